using Microsoft.Extensions.Logging;

namespace MetaLlm.Embeddings.Local;

// Logs carry counts and durations only: never the embedded text.
internal static partial class LocalEmbeddingsLog
{
    [LoggerMessage(101, LogLevel.Information, "Loaded the {ModelId} embedding model in {ElapsedMilliseconds} ms.")]
    public static partial void ModelLoaded(ILogger logger, string modelId, long elapsedMilliseconds);

    [LoggerMessage(102, LogLevel.Debug, "Embedded {Count} texts ({Tokens} tokens, {Truncated} truncated) in {Batches} batches.")]
    public static partial void Embedded(ILogger logger, int count, long tokens, int truncated, int batches);
}
