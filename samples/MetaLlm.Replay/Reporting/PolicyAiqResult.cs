using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>
/// The AIQ of one policy in one setting, over its λ sweep (means over seeds) plus the single models, and the AIQ of
/// each seed's own sweep (a claim "on every seed" is checked on these).
/// </summary>
internal sealed record PolicyAiqResult(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("setting")] string Setting,
    [property: JsonPropertyName("aiq")] double Aiq,
    [property: JsonPropertyName("aiqBySeed")] IReadOnlyList<double> AiqBySeed);
