namespace MetaLlm.Replay.DatasetReaders;

/// <summary>Recorded outcomes of several models on the same queries, as read from one file.</summary>
internal sealed class ReplayDataset
{
    public ReplayDataset(string name, string path, IReadOnlyList<string> arms, IReadOnlyList<ReplayQuery> queries)
    {
        Name = name;
        Path = path;
        Arms = arms;
        Queries = queries;
    }

    /// <summary>Gets the dataset's name (the file name without extension).</summary>
    public string Name { get; }

    /// <summary>Gets the file the dataset was read from.</summary>
    public string Path { get; }

    /// <summary>Gets the models, in the order of every query's outcomes.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>Gets the queries, in file order.</summary>
    public IReadOnlyList<ReplayQuery> Queries { get; }
}
