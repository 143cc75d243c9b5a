using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>Writes the JSON body of a Bedrock Converse or ConverseStream request from chat messages and options.</summary>
internal static class BedrockConverseRequest
{
    public static byte[] Write(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteMessages(json, messages);
            WriteSystem(json, messages, options);
            WriteInferenceConfig(json, options);
            WriteAdditionalFields(json, options);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteMessages(Utf8JsonWriter json, IEnumerable<ChatMessage> messages)
    {
        json.WriteStartArray("messages");
        string? openRole = null;
        foreach (var message in messages)
        {
            string? role = message.Role == ChatRole.User ? "user" : message.Role == ChatRole.Assistant ? "assistant" : null;
            if (role is null)
            {
                continue; // System messages go to "system"; tool messages are not supported by this client.
            }

            var texts = message.Contents.OfType<TextContent>().Where(t => !string.IsNullOrEmpty(t.Text)).ToList();
            if (texts.Count == 0)
            {
                continue;
            }

            // Converse wants user and assistant turns to alternate, so consecutive messages of one role share a turn.
            if (role != openRole)
            {
                if (openRole is not null)
                {
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteStartObject();
                json.WriteString("role", role);
                json.WriteStartArray("content");
                openRole = role;
            }

            foreach (var text in texts)
            {
                json.WriteStartObject();
                json.WriteString("text", text.Text);
                json.WriteEndObject();
            }
        }

        if (openRole is not null)
        {
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSystem(Utf8JsonWriter json, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var system = new List<string>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            system.Add(options.Instructions);
        }

        system.AddRange(messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
        if (system.Count == 0)
        {
            return;
        }

        json.WriteStartArray("system");
        foreach (string text in system)
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteInferenceConfig(Utf8JsonWriter json, ChatOptions? options)
    {
        if (options is null || (options.MaxOutputTokens is null && options.Temperature is null && options.TopP is null && options.StopSequences is not { Count: > 0 }))
        {
            return;
        }

        json.WriteStartObject("inferenceConfig");
        if (options.MaxOutputTokens is { } maxTokens)
        {
            json.WriteNumber("maxTokens", maxTokens);
        }

        if (options.Temperature is { } temperature)
        {
            json.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            json.WriteNumber("topP", topP);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            json.WriteStartArray("stopSequences");
            foreach (string stop in stops)
            {
                json.WriteStringValue(stop);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteAdditionalFields(Utf8JsonWriter json, ChatOptions? options)
    {
        var fields = options?.AdditionalProperties?.Where(p => !RouterPropertyFilter.IsRouterProperty(p.Key)).ToList();
        bool hasTopK = options?.TopK is not null;
        if (fields is not { Count: > 0 } && !hasTopK)
        {
            return;
        }

        // Model-specific parameters travel in additionalModelRequestFields; the router's own entries never do.
        json.WriteStartObject("additionalModelRequestFields");
        if (hasTopK)
        {
            json.WriteNumber("top_k", options!.TopK!.Value);
        }

        foreach (var (key, value) in fields ?? [])
        {
            json.WritePropertyName(key);
            JsonSerializer.Serialize(json, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value?.GetType() ?? typeof(object)));
        }

        json.WriteEndObject();
    }
}
