namespace MetaLlm.Replay.DatasetReaders;

/// <summary>Reads any of the replay input formats, detecting which from the extension or the first character.</summary>
internal static class DatasetReader
{
    public static ReplayDataset Read(string path, DatasetFormat format = DatasetFormat.Auto)
    {
        if (!File.Exists(path))
        {
            throw new ReplayDataException(path, null, "the file does not exist.");
        }

        return (format == DatasetFormat.Auto ? Detect(path) : format) switch
        {
            DatasetFormat.OutcomesJsonl => OutcomesJsonlReader.Read(path),
            DatasetFormat.RouterBenchCsv => RouterBenchCsvReader.Read(path),
            _ => LlmRouterJsonReader.Read(path),
        };
    }

    public static DatasetFormat Detect(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".jsonl" or ".ndjson":
                return DatasetFormat.OutcomesJsonl;
            case ".csv":
                return DatasetFormat.RouterBenchCsv;
        }

        using var reader = new StreamReader(path);
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c switch
        {
            '[' => DatasetFormat.LlmRouterJson,
            '{' => DatasetFormat.OutcomesJsonl,
            < 0 => throw new ReplayDataException(path, null, "the file is empty."),
            _ => DatasetFormat.RouterBenchCsv,
        };
    }
}
