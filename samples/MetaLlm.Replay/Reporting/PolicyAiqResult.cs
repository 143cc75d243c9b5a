using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>The AIQ of one policy in one setting, over its λ sweep plus the single models.</summary>
internal sealed record PolicyAiqResult(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("setting")] string Setting,
    [property: JsonPropertyName("aiq")] double Aiq);
