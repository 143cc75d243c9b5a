namespace MetaLlm;

/// <summary>The tokens an arm is expected to bill for a request, split as <see cref="BilledTokens"/> splits real usage.</summary>
/// <param name="UncachedInput">Input tokens expected at the full input price.</param>
/// <param name="CachedInput">Input tokens expected to be read from the prompt cache.</param>
/// <param name="CacheWrite">Input tokens expected to be written to the cache for the short lifetime.</param>
/// <param name="LongCacheWrite">Input tokens expected to be written to the cache for the long lifetime.</param>
/// <param name="Output">Output tokens expected.</param>
public readonly record struct PredictedTokens(double UncachedInput, double CachedInput, double CacheWrite, double LongCacheWrite, double Output);
