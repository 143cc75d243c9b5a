using Microsoft.AspNetCore.Http;

namespace MetaLlm.Providers.Tests.OpenAI;

/// <summary>Canned OpenAI chat-completions answers, plain and as server-sent events.</summary>
internal static class OpenAIWire
{
    public const string CompletionJson = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1764097200,"model":"gpt-4o-mini-2024-07-18",
         "choices":[{"index":0,"message":{"role":"assistant","content":"negative"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":1000,"completion_tokens":250,"total_tokens":1250}}
        """;

    /// <summary>An o4-mini answer whose prompt hit the cache (1500 of 2000 tokens) and that reasoned (300 of 500 completion tokens).</summary>
    public const string CachedReasoningCompletionJson = """
        {"id":"chatcmpl-3","object":"chat.completion","created":1764097200,"model":"o4-mini-2025-04-16",
         "choices":[{"index":0,"message":{"role":"assistant","content":"negative"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":2000,"completion_tokens":500,"total_tokens":2500,
                  "prompt_tokens_details":{"cached_tokens":1500,"audio_tokens":0},
                  "completion_tokens_details":{"reasoning_tokens":300,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
        """;

    public static readonly string[] StreamChunks =
    [
        """{"id":"chatcmpl-2","object":"chat.completion.chunk","created":1764097200,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"nega"},"finish_reason":null}]}""",
        """{"id":"chatcmpl-2","object":"chat.completion.chunk","created":1764097200,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"tive"},"finish_reason":null}]}""",
        """{"id":"chatcmpl-2","object":"chat.completion.chunk","created":1764097200,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
        """{"id":"chatcmpl-2","object":"chat.completion.chunk","created":1764097200,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":2,"total_tokens":42}}""",
    ];

    public static async Task WriteJsonAsync(HttpContext context, int status, string body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(body);
    }

    public static async Task WriteEventsAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (string chunk in StreamChunks)
        {
            await context.Response.WriteAsync("data: " + chunk + "\n\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }
}
