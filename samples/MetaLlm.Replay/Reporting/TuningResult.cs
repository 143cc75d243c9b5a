using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>The hyper-parameters the replayed routers were built with.</summary>
internal sealed record TuningResult(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("posteriorScale")] double PosteriorScale,
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("regularization")] double Regularization,
    [property: JsonPropertyName("penaltySelection")] string PenaltySelection,
    [property: JsonPropertyName("coldStartRegularization")] double ColdStartRegularization,
    [property: JsonPropertyName("coldStartExploration")] double ColdStartExploration,
    [property: JsonPropertyName("coldStartPrincipalComponents")] int? ColdStartPrincipalComponents,
    [property: JsonPropertyName("featurizer")] string Featurizer,
    [property: JsonPropertyName("featureDimension")] int FeatureDimension,
    [property: JsonPropertyName("wordWeight")] double? WordWeight,
    [property: JsonPropertyName("embeddingMaxTokens")] int? EmbeddingMaxTokens,
    [property: JsonPropertyName("withHashing")] int? WithHashing,
    [property: JsonPropertyName("projection")] int? Projection,
    [property: JsonPropertyName("principalComponents")] int? PrincipalComponents,
    [property: JsonPropertyName("whitenPrincipalComponents")] bool? WhitenPrincipalComponents,
    [property: JsonPropertyName("assumedOutputTokens")] int AssumedOutputTokens);
