using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>
/// Reads LLMRouter's JSON: an array of <c>{"question": "…", "scores": {model: score}}</c>, with an optional integer
/// <c>cluster_id</c>. Costs come from a price file, so the file itself carries no cost or tokens.
/// </summary>
internal static class LlmRouterJsonReader
{
    public static ReplayDataset Read(string path)
    {
        byte[] bytes = JsonText.ReadAllBytes(path);
        var queries = new List<ReplayQuery>();
        string[]? arms = null;
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var lines = new LineCounter(bytes);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new ReplayDataException(path, 1, "an LLMRouter file must be a JSON array of {\"question\", \"scores\"} objects.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int line = lines.LineAt(reader.TokenStartIndex);
                using var document = JsonDocument.ParseValue(ref reader);
                var (messages, byModel, cluster) = ReadEntry(path, line, document.RootElement);
                arms ??= [.. byModel.Keys];
                if (byModel.Count != arms.Length || arms.Any(a => !byModel.ContainsKey(a)))
                {
                    throw new ReplayDataException(path, line, $"the models ({string.Join(", ", byModel.Keys)}) differ from those of the first entry ({string.Join(", ", arms)}); every entry must score the same models.");
                }

                queries.Add(new ReplayQuery((queries.Count + 1).ToString(CultureInfo.InvariantCulture), line, messages, [.. arms.Select(a => new RecordedOutcome(byModel[a]))], cluster));
            }
        }
        catch (JsonException ex)
        {
            throw new ReplayDataException(path, (int)(ex.LineNumber ?? 0) + 1, "not valid JSON: " + ex.Message, ex);
        }

        if (queries.Count == 0 || arms is null)
        {
            throw new ReplayDataException(path, null, "the file has no questions.");
        }

        return new ReplayDataset(Path.GetFileNameWithoutExtension(path), path, arms, queries);
    }

    private static (List<ChatMessage> Messages, Dictionary<string, double> Scores, int? Cluster) ReadEntry(string path, int line, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(path, line, "each entry must be an object with \"question\" and \"scores\".");
        }

        if (!entry.TryGetProperty("question", out var question) || question.ValueKind != JsonValueKind.String)
        {
            throw new ReplayDataException(path, line, "missing \"question\" (a string).");
        }

        if (!entry.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(path, line, "missing \"scores\": an object mapping each model to its score.");
        }

        var byModel = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var model in scores.EnumerateObject())
        {
            if (model.Value.ValueKind != JsonValueKind.Number || !(model.Value.GetDouble() is var score && score >= 0 && score <= 1))
            {
                throw new ReplayDataException(path, line, $"model '{model.Name}' has score {model.Value.GetRawText()}; scores must be numbers in [0, 1].");
            }

            byModel[model.Name] = score;
        }

        if (byModel.Count == 0)
        {
            throw new ReplayDataException(path, line, "\"scores\" is empty.");
        }

        // dcrouter's train split groups its questions into clusters; leave-cluster-out validation uses them.
        int? cluster = null;
        if (entry.TryGetProperty("cluster_id", out var clusterElement) && clusterElement.ValueKind != JsonValueKind.Null)
        {
            if (clusterElement.ValueKind != JsonValueKind.Number || !clusterElement.TryGetInt32(out int id))
            {
                throw new ReplayDataException(path, line, $"\"cluster_id\" is {clusterElement.GetRawText()}; it must be an integer.");
            }

            cluster = id;
        }

        return ([new ChatMessage(ChatRole.User, question.GetString())], byModel, cluster);
    }

    // Turns byte offsets, which only grow while reading, into 1-based line numbers without rescanning.
    private sealed class LineCounter
    {
        private readonly byte[] _bytes;
        private long _offset;
        private int _line = 1;

        public LineCounter(byte[] bytes) => _bytes = bytes;

        public int LineAt(long offset)
        {
            for (; _offset < offset && _offset < _bytes.Length; _offset++)
            {
                if (_bytes[_offset] == (byte)'\n')
                {
                    _line++;
                }
            }

            return _line;
        }
    }
}
