namespace MetaLlm.Replay.Tests;

/// <summary>A temporary folder of input files written by a test, deleted afterwards.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "metallm-replay-tests-" + Guid.NewGuid().ToString("N"));

    public TempFiles() => Directory.CreateDirectory(_directory);

    public string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(_directory, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
