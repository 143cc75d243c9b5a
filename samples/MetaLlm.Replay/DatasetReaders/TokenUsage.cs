namespace MetaLlm.Replay.DatasetReaders;

/// <summary>The tokens one answer used, as the replayed arm reports them to the router.</summary>
/// <param name="InputTokens">The input tokens.</param>
/// <param name="OutputTokens">The output tokens.</param>
internal readonly record struct TokenUsage(long InputTokens, long OutputTokens);
