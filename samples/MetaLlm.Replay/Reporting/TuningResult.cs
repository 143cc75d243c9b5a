using System.Text.Json.Serialization;
using MetaLlm.Replay.Replay;

namespace MetaLlm.Replay.Reporting;

/// <summary>The hyper-parameters the replayed routers were built with.</summary>
internal sealed record TuningResult(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("posteriorScale")] double PosteriorScale,
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("regularization")] double Regularization,
    [property: JsonPropertyName("coldStartRegularization")] double ColdStartRegularization,
    [property: JsonPropertyName("coldStartExploration")] double ColdStartExploration,
    [property: JsonPropertyName("featurizer")] string Featurizer,
    [property: JsonPropertyName("featureDimension")] int FeatureDimension,
    [property: JsonPropertyName("wordWeight")] double? WordWeight,
    [property: JsonPropertyName("embeddingMaxTokens")] int? EmbeddingMaxTokens,
    [property: JsonPropertyName("assumedOutputTokens")] int AssumedOutputTokens)
{
    /// <summary>Describes <paramref name="tuning"/>; settings of the featurizer not used are left out.</summary>
    /// <param name="tuning">The replay's hyper-parameters.</param>
    /// <param name="featureDimension">The featurizer's dimension, bias included.</param>
    public static TuningResult From(ReplayTuning tuning, int featureDimension)
    {
        bool hashing = tuning.Featurizer == ReplayFeaturizerKind.Hashing;
        return new(
            tuning.Alpha,
            tuning.PosteriorScale,
            tuning.Epsilon,
            tuning.Regularization,
            tuning.ColdStartRegularization,
            tuning.ColdStartExploration,
            tuning.Featurizer.ToName(),
            featureDimension,
            hashing ? tuning.WordWeight : null,
            hashing ? null : tuning.EmbeddingMaxTokens,
            tuning.AssumedOutputTokens);
    }
}
