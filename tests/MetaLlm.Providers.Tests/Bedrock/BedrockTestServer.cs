using Amazon.Runtime;
using Microsoft.AspNetCore.Http;

namespace MetaLlm.Providers.Tests.Bedrock;

/// <summary>Shared wire-level fixtures for Bedrock tests: credentials, a client bound to a loopback server, canned answers.</summary>
internal static class BedrockTestServer
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";

    public const string ConverseJson = """
        {"output":{"message":{"role":"assistant","content":[{"text":"positive"}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":1234,"outputTokens":56,"totalTokens":1290},"metrics":{"latencyMs":42}}
        """;

    public static BedrockProviderOptions Options(LoopbackServer server, HttpMessageHandler handler, TimeProvider? timeProvider = null) => new()
    {
        Region = Region,
        Endpoint = server.BaseAddress,
        Credentials = new BasicAWSCredentials(AccessKey, SecretKey),
        HttpMessageHandler = handler,
        TimeProvider = timeProvider,
    };

    public static async Task WriteAsync(HttpContext context, int status, string contentType, string body, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(body);
    }

    public static async Task WriteFramesAsync(HttpContext context, params byte[][] frames)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        context.Response.Headers["x-amzn-RequestId"] = "req-stream-1";
        foreach (byte[] frame in frames)
        {
            await context.Response.Body.WriteAsync(frame);
            await context.Response.Body.FlushAsync();
        }
    }
}
