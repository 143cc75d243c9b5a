namespace MetaLlm.Replay.DatasetReaders;

/// <summary>The input formats of docs/replay-formats.md.</summary>
internal enum DatasetFormat
{
    /// <summary>Detect from the extension, then from the first character.</summary>
    Auto,

    /// <summary>The project's outcomes JSONL, one query per line.</summary>
    OutcomesJsonl,

    /// <summary>RouterBench's wide CSV.</summary>
    RouterBenchCsv,

    /// <summary>LLMRouter's JSON array of questions and scores.</summary>
    LlmRouterJson,
}
