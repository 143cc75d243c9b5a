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

    /// <summary>
    /// Reads <c>usage</c> (a Converse <c>TokenUsage</c>, in a response or a stream's <c>metadata</c> event) into
    /// Microsoft.Extensions.AI's convention; throws <see cref="JsonException"/> when it is not an object of counts.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Converse's <c>inputTokens</c> counts only the input neither read from nor written to the prompt cache; cache
    /// reads (<c>cacheReadInputTokens</c>) and writes (<c>cacheWriteInputTokens</c>) are reported beside it, and
    /// <c>totalTokens</c> is the sum of all four counts. Microsoft.Extensions.AI counts cached input and cache writes
    /// inside <see cref="UsageDetails.InputTokenCount"/>, so the input count here is
    /// <c>inputTokens + cacheReadInputTokens + cacheWriteInputTokens</c>, the cache reads are
    /// <see cref="UsageDetails.CachedInputTokenCount"/>, and the cache writes go to
    /// <see cref="UsageDetails.AdditionalCounts"/> under <see cref="BilledTokens.CacheWriteCountKey"/>.
    /// </para>
    /// <para>
    /// <c>cacheDetails</c> splits the writes by lifetime (<c>{"inputTokens": n, "ttl": "5m" | "1h"}</c>); the one-hour
    /// part goes under <see cref="BilledTokens.LongCacheWriteCountKey"/>, to be billed at the one-hour write price. A
    /// lifetime other than <c>1h</c> is billed as a short write. When <c>cacheWriteInputTokens</c> is absent, the
    /// writes are the sum of <c>cacheDetails</c>.
    /// </para>
    /// </remarks>
    public static UsageDetails? Usage(JsonElement parent)
    {
        if (!parent.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        long? input = Int(usage, "inputTokens");
        long? cacheReads = Int(usage, "cacheReadInputTokens");
        long? cacheWrites = Int(usage, "cacheWriteInputTokens");
        (long? detailedWrites, long longWrites) = CacheDetails(usage);
        cacheWrites ??= detailedWrites;
        var details = new UsageDetails
        {
            InputTokenCount = cacheReads is null && cacheWrites is null ? input : Sum(input ?? 0, cacheReads ?? 0, cacheWrites ?? 0),
            CachedInputTokenCount = cacheReads,
            OutputTokenCount = Int(usage, "outputTokens"),
            TotalTokenCount = Int(usage, "totalTokens"),
        };
        if (cacheWrites is { } writes)
        {
            details.AdditionalCounts = new() { [BilledTokens.CacheWriteCountKey] = writes };
            if (longWrites > 0)
            {
                details.AdditionalCounts[BilledTokens.LongCacheWriteCountKey] = longWrites;
            }
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

    /// <summary>Reads <c>usage.cacheDetails</c>: the sum of its writes (or <see langword="null"/> when absent) and the one-hour part.</summary>
    private static (long? Writes, long LongWrites) CacheDetails(JsonElement usage)
    {
        if (!usage.TryGetProperty("cacheDetails", out var details) || details.ValueKind == JsonValueKind.Null)
        {
            return (null, 0);
        }

        if (details.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("usage.cacheDetails is not an array.");
        }

        long writes = 0;
        long longWrites = 0;
        foreach (var detail in details.EnumerateArray())
        {
            if (detail.ValueKind != JsonValueKind.Object || Int(detail, "inputTokens", "usage.cacheDetails[].inputTokens") is not { } tokens)
            {
                throw new JsonException("usage.cacheDetails has an entry without an inputTokens count.");
            }

            writes = Sum(writes, tokens);
            if (JsonFields.String(detail, "ttl") == "1h")
            {
                longWrites = Sum(longWrites, tokens);
            }
        }

        return (writes, longWrites);
    }

    private static long Sum(params ReadOnlySpan<long> counts)
    {
        long sum = 0;
        foreach (long count in counts)
        {
            sum = sum > long.MaxValue - count ? throw new JsonException("The usage counts are too large to add up.") : sum + count;
        }

        return sum;
    }

    private static long? Int(JsonElement element, string name) => Int(element, name, "usage." + name);

    private static long? Int(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= 0
            ? number
            : throw new JsonException($"{path} is not a token count.");
    }
}
