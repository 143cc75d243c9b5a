using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>
/// Reads the project's outcomes JSONL: one query per line with <c>prompt</c> (or <c>messages</c>) and
/// <c>outcomes</c> mapping every model to its <c>score</c> and optional <c>cost</c>, tokens and <c>response</c>.
/// </summary>
internal static class OutcomesJsonlReader
{
    public static ReplayDataset Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayDataException(path, null, "cannot be read: " + ex.Message, ex);
        }

        string[]? arms = null;
        var queries = new List<ReplayQuery>();
        for (int i = 0; i < lines.Length; i++)
        {
            int line = i + 1;
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            using var document = JsonText.ParseLine(path, line, lines[i]);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ReplayDataException(path, line, "each line must be a JSON object with \"prompt\" (or \"messages\") and \"outcomes\".");
            }

            var messages = ReadMessages(path, line, root);
            if (!root.TryGetProperty("outcomes", out var outcomesElement) || outcomesElement.ValueKind != JsonValueKind.Object)
            {
                throw new ReplayDataException(path, line, "missing \"outcomes\": an object mapping each model to its outcome.");
            }

            var byModel = new Dictionary<string, RecordedOutcome>(StringComparer.Ordinal);
            foreach (var model in outcomesElement.EnumerateObject())
            {
                byModel[model.Name] = ReadOutcome(path, line, model);
            }

            if (byModel.Count == 0)
            {
                throw new ReplayDataException(path, line, "\"outcomes\" is empty; every line needs the outcome of every model.");
            }

            arms ??= [.. byModel.Keys];
            if (byModel.Count != arms.Length || arms.Any(a => !byModel.ContainsKey(a)))
            {
                throw new ReplayDataException(path, line, $"the models ({string.Join(", ", byModel.Keys)}) differ from those of the first line ({string.Join(", ", arms)}); every line must have the same models.");
            }

            string id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? (idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText())
                : line.ToString(CultureInfo.InvariantCulture);
            queries.Add(new ReplayQuery(id, line, messages, [.. arms.Select(a => byModel[a])]));
        }

        if (queries.Count == 0 || arms is null)
        {
            throw new ReplayDataException(path, null, "the file has no queries.");
        }

        return new ReplayDataset(System.IO.Path.GetFileNameWithoutExtension(path), path, arms, queries);
    }

    private static List<ChatMessage> ReadMessages(string path, int line, JsonElement root)
    {
        if (root.TryGetProperty("prompt", out var prompt))
        {
            if (prompt.ValueKind != JsonValueKind.String)
            {
                throw new ReplayDataException(path, line, "\"prompt\" must be a string.");
            }

            return [new ChatMessage(ChatRole.User, prompt.GetString())];
        }

        if (!root.TryGetProperty("messages", out var messages))
        {
            throw new ReplayDataException(path, line, "missing \"prompt\" (or \"messages\").");
        }

        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new ReplayDataException(path, line, "\"messages\" must be a non-empty array of {\"role\", \"content\"}.");
        }

        var list = new List<ChatMessage>();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new ReplayDataException(path, line, $"message {list.Count + 1} must be an object with string \"role\" and \"content\".");
            }

            string roleName = role.GetString()!;
            if (roleName is not ("system" or "user" or "assistant"))
            {
                throw new ReplayDataException(path, line, $"message {list.Count + 1} has role '{roleName}'; expected system, user or assistant.");
            }

            list.Add(new ChatMessage(new ChatRole(roleName), content.GetString()));
        }

        return list;
    }

    private static RecordedOutcome ReadOutcome(string path, int line, JsonProperty model)
    {
        if (model.Value.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(path, line, $"the outcome of '{model.Name}' must be an object with a \"score\".");
        }

        var value = model.Value;
        if (!value.TryGetProperty("score", out var scoreElement) || scoreElement.ValueKind != JsonValueKind.Number)
        {
            throw new ReplayDataException(path, line, $"model '{model.Name}' has no numeric \"score\".");
        }

        double score = scoreElement.GetDouble();
        if (!(score >= 0 && score <= 1))
        {
            throw new ReplayDataException(path, line, $"model '{model.Name}' has score {scoreElement.GetRawText()}; scores must be in [0, 1].");
        }

        decimal? cost = null;
        if (value.TryGetProperty("cost", out var costElement) && costElement.ValueKind != JsonValueKind.Null)
        {
            if (costElement.ValueKind != JsonValueKind.Number || !costElement.TryGetDecimal(out decimal c) || c < 0)
            {
                throw new ReplayDataException(path, line, $"model '{model.Name}' has cost {costElement.GetRawText()}; a cost must be a non-negative number of US dollars.");
            }

            cost = c;
        }

        long? input = ReadTokens(path, line, model.Name, value, "inputTokens");
        long? output = ReadTokens(path, line, model.Name, value, "outputTokens");
        string? response = value.TryGetProperty("response", out var responseElement) && responseElement.ValueKind == JsonValueKind.String
            ? responseElement.GetString()
            : null;
        return new RecordedOutcome(score, cost, input, output, response);
    }

    private static long? ReadTokens(string path, int line, string model, JsonElement value, string name)
    {
        if (!value.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long tokens) || tokens < 0)
        {
            throw new ReplayDataException(path, line, $"model '{model}' has {name} {element.GetRawText()}; token counts must be non-negative integers.");
        }

        return tokens;
    }
}
