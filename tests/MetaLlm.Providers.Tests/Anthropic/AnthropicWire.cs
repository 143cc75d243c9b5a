using Microsoft.AspNetCore.Http;

namespace MetaLlm.Providers.Tests.Anthropic;

/// <summary>Canned Anthropic Messages API answers.</summary>
internal static class AnthropicWire
{
    public const string MessageJson = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"positive"}],
         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":300,"output_tokens":7}}
        """;

    public static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }
}
