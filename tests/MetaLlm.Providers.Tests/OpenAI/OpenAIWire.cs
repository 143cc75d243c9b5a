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
