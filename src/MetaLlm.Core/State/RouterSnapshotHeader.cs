using System.Text.Json.Serialization;

namespace MetaLlm;

/// <summary>
/// The JSON header of a serialized <see cref="RouterSnapshot"/>: the metadata and every arm's scalar sums, in the order
/// the arms' vectors follow it. The vectors themselves are binary (see <see cref="RouterSnapshotSerializer"/>).
/// </summary>
/// <remarks>Members are nullable where JSON can omit or null them; the serializer checks them after reading.</remarks>
internal sealed class RouterSnapshotHeader
{
    public required DateTimeOffset TakenAt { get; init; }

    public required DateTimeOffset StatisticsAsOf { get; init; }

    public required FeaturizerHeader? Featurizer { get; init; }

    public required PolicyHeader? Policy { get; init; }

    public required double CostWeight { get; init; }

    public required long DecisionCount { get; init; }

    public required long FeedbackCount { get; init; }

    public required List<ArmHeader?>? Arms { get; init; }

    internal sealed class FeaturizerHeader
    {
        public required string? Name { get; init; }

        public required int Dimension { get; init; }

        public required string? Fingerprint { get; init; }
    }

    internal sealed class PolicyHeader
    {
        public required string? Name { get; init; }

        public required Dictionary<string, double>? Settings { get; init; }
    }

    internal sealed class ArmHeader
    {
        public required string? Name { get; init; }

        public required long Count { get; init; }

        public required double ScoreSum { get; init; }

        public required double ScoreSquares { get; init; }

        public required double InputTokens { get; init; }

        public required double EstimatedInputTokens { get; init; }

        public required double CachedInputTokens { get; init; }

        public required double CacheWriteTokens { get; init; }

        public required double LongCacheWriteTokens { get; init; }

        public required double OutputTokens { get; init; }

        // Version 2: the arm's chosen ridge penalty, left out when it has none (and always in version 1).
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? Regularization { get; init; }
    }
}

/// <summary>Source-generated (reflection-free, trimming-safe) JSON for <see cref="RouterSnapshotHeader"/>.</summary>
/// <remarks>
/// Strict: no comments, no trailing commas, no members this version does not know (a format change bumps the
/// version), and numbers as plain JSON numbers, so NaN and infinities cannot be written and are refused on reading.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RouterSnapshotHeader))]
internal sealed partial class RouterSnapshotJsonContext : JsonSerializerContext;
