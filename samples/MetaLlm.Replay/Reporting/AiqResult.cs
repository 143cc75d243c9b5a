using System.Text.Json.Serialization;

namespace MetaLlm.Replay.Reporting;

/// <summary>AIQ (average quality over the single models' cost range) of the router, the zero router and the oracle.</summary>
internal sealed record AiqResult(
    [property: JsonPropertyName("router")] double Router,
    [property: JsonPropertyName("zeroRouter")] double ZeroRouter,
    [property: JsonPropertyName("oracle")] double Oracle);
