using System.Text.Json;

namespace MetaLlm.Replay.Reporting;

/// <summary>How the report is written as JSON: indented, names exactly as declared.</summary>
internal static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true };
}
