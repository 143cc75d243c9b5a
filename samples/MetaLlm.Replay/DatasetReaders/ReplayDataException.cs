namespace MetaLlm.Replay.DatasetReaders;

/// <summary>An input file that cannot be replayed: names the file, the line or row, and what is wrong.</summary>
internal sealed class ReplayDataException : Exception
{
    public ReplayDataException(string path, int? line, string problem, Exception? inner = null)
        : base(Format(path, line, problem), inner)
    {
        FilePath = path;
        Line = line;
        Problem = problem;
    }

    public ReplayDataException()
    {
        FilePath = string.Empty;
        Problem = string.Empty;
    }

    public ReplayDataException(string message)
        : base(message)
    {
        FilePath = string.Empty;
        Problem = message;
    }

    public ReplayDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
        Problem = message;
    }

    /// <summary>Gets the file that is wrong.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line (or CSV row) that is wrong, when one is.</summary>
    public int? Line { get; }

    /// <summary>Gets what is wrong.</summary>
    public string Problem { get; }

    private static string Format(string path, int? line, string problem) =>
        line is int l ? $"{path}, line {l}: {problem}" : $"{path}: {problem}";
}
