using System.Text.Json;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>Parses JSON files and lines, turning syntax errors into <see cref="ReplayDataException"/>s with a line number.</summary>
internal static class JsonText
{
    private static readonly JsonDocumentOptions s_options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static JsonDocument ParseFile(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        try
        {
            return JsonDocument.Parse(bytes, s_options);
        }
        catch (JsonException ex)
        {
            throw new ReplayDataException(path, (int)(ex.LineNumber ?? 0) + 1, "not valid JSON: " + ex.Message, ex);
        }
    }

    public static JsonDocument ParseLine(string path, int line, string text)
    {
        try
        {
            return JsonDocument.Parse(text, s_options);
        }
        catch (JsonException ex)
        {
            throw new ReplayDataException(path, line, "not valid JSON: " + ex.Message, ex);
        }
    }

    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayDataException(path, null, "cannot be read: " + ex.Message, ex);
        }
    }
}
