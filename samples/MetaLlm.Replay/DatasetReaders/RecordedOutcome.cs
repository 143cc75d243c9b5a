namespace MetaLlm.Replay.DatasetReaders;

/// <summary>How one model did on one recorded query.</summary>
/// <param name="Score">The recorded score in [0, 1].</param>
/// <param name="CostUsd">The recorded cost in US dollars, when the file gives it.</param>
/// <param name="InputTokens">The recorded input tokens, when the file gives them.</param>
/// <param name="OutputTokens">The recorded output tokens, when the file gives them.</param>
/// <param name="Response">The recorded answer, when the file gives it.</param>
internal readonly record struct RecordedOutcome(double Score, decimal? CostUsd = null, long? InputTokens = null, long? OutputTokens = null, string? Response = null);
