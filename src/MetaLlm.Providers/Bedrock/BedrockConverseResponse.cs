using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers;

/// <summary>Reads the JSON of Bedrock Converse responses, stream events and errors.</summary>
internal static class BedrockConverseResponse
{
    public static ChatFinishReason? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "guardrail_intervened" or "content_filtered" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(stopReason),
    };

    /// <summary>Reads <c>usage</c>; throws <see cref="JsonException"/> when it is not an object of numbers.</summary>
    public static UsageDetails? Usage(JsonElement parent)
    {
        if (!parent.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var details = new UsageDetails
        {
            InputTokenCount = Int(usage, "inputTokens"),
            OutputTokenCount = Int(usage, "outputTokens"),
            TotalTokenCount = Int(usage, "totalTokens"),
        };
        if (Int(usage, "cacheReadInputTokens") is { } cached)
        {
            details.CachedInputTokenCount = cached;
        }

        return details;
    }

    /// <summary>Reads the text and reasoning blocks of <c>output.message.content</c>.</summary>
    public static List<AIContent> Contents(JsonElement root)
    {
        if (!root.TryGetProperty("output", out var output) || !output.TryGetProperty("message", out var message) ||
            !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The Converse response has no output.message.content array.");
        }

        var contents = new List<AIContent>();
        foreach (var block in content.EnumerateArray())
        {
            if (block.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                contents.Add(new TextContent(text.GetString()) { RawRepresentation = block.Clone() });
            }
            else if (block.TryGetProperty("reasoningContent", out var reasoning) && reasoning.TryGetProperty("reasoningText", out var reasoningText) &&
                     reasoningText.TryGetProperty("text", out var thought) && thought.ValueKind == JsonValueKind.String)
            {
                contents.Add(new TextReasoningContent(thought.GetString()) { RawRepresentation = block.Clone() });
            }
        }

        return contents;
    }

    /// <summary>Reads a text or reasoning delta of a <c>contentBlockDelta</c> event.</summary>
    public static AIContent? Delta(JsonElement payload)
    {
        if (!payload.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The contentBlockDelta event has no delta object.");
        }

        if (delta.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            return new TextContent(text.GetString());
        }

        if (delta.TryGetProperty("reasoningContent", out var reasoning) && reasoning.TryGetProperty("text", out var thought) && thought.ValueKind == JsonValueKind.String)
        {
            return new TextReasoningContent(thought.GetString());
        }

        return null;
    }

    /// <summary>Reads the <c>message</c> of an error body, or <see langword="null"/> when the body is not JSON.</summary>
    public static string? ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return JsonFields.String(document.RootElement, "message") ?? JsonFields.String(document.RootElement, "Message");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? Int(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= 0
            ? number
            : throw new JsonException($"usage.{name} is not a token count.");
    }
}
