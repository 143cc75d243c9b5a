using Microsoft.AspNetCore.Http;

namespace MetaLlm.Providers.Tests.Anthropic;

/// <summary>Canned Anthropic Messages API answers.</summary>
internal static class AnthropicWire
{
    public const string MessageJson = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"positive"}],
         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":300,"output_tokens":7}}
        """;

    /// <summary>An answer that read 1500 tokens from the prompt cache and wrote 500 to it (200 for five minutes, 300 for one hour).</summary>
    public const string CachedMessageJson = """
        {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"negative"}],
         "stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":100,"cache_read_input_tokens":1500,"cache_creation_input_tokens":500,
                  "cache_creation":{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":300},"output_tokens":50}}
        """;

    /// <summary>The same answer streamed: the TTL split arrives only in <c>message_start</c>; <c>message_delta</c> has the final counts.</summary>
    public static readonly (string Event, string Data)[] CachedMessageEvents =
    [
        ("message_start", """{"type":"message_start","message":{"id":"msg_03","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"cache_read_input_tokens":1500,"cache_creation_input_tokens":500,"cache_creation":{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":300},"output_tokens":1}}}"""),
        ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"nega"}}"""),
        ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tive"}}"""),
        ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
        ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":100,"cache_read_input_tokens":1500,"cache_creation_input_tokens":500,"output_tokens":50}}"""),
        ("message_stop", """{"type":"message_stop"}"""),
    ];

    public static async Task WriteEventsAsync(HttpContext context, IEnumerable<(string Event, string Data)> events)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (var (name, data) in events)
        {
            await context.Response.WriteAsync($"event: {name}\ndata: {data}\n\n");
            await context.Response.Body.FlushAsync();
        }
    }

    /// <summary>Answers a streamed request (<c>"stream": true</c>) with <paramref name="events"/>, any other with <paramref name="json"/>.</summary>
    public static Task WriteAsync(HttpContext context, RecordedRequest request, string json, IEnumerable<(string Event, string Data)> events) =>
        request.Json.TryGetProperty("stream", out var stream) && stream.ValueKind == System.Text.Json.JsonValueKind.True
            ? WriteEventsAsync(context, events)
            : WriteAsync(context, 200, json);

    public static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }
}
