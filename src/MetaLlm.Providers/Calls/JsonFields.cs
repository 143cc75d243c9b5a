using System.Text.Json;

namespace MetaLlm.Providers;

/// <summary>Reads optional fields of provider JSON without throwing on a missing or mistyped field.</summary>
internal static class JsonFields
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
