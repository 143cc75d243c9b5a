using System.Diagnostics;
using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;
using static MetaLlm.Tests.Telemetry.TelemetryCapture;

namespace MetaLlm.Tests.Telemetry;

/// <summary>No prompt, answer or exception message reaches the router's spans or metrics.</summary>
[Collection(TelemetryListeners.Name)]
public sealed class TelemetryPrivacyTests
{
    private const string Secret = "PERIWINKLE-4111-1111";

    [Fact]
    public async Task Prompt_answer_and_exception_text_appear_in_no_span_and_no_metric()
    {
        using var capture = new TelemetryCapture();
        var leaky = Model($"echo: {Secret}", 5, 5);
        leaky.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException($"upstream rejected '{Secret}'"));
        leaky.GetStreamingResponseAsyncCallback = (_, _, _) => throw new HttpRequestException($"upstream rejected '{Secret}'");
        var echoing = Model($"you said {Secret}", 5, 5);
        echoing.GetStreamingResponseAsyncCallback = (_, _, _) => Echo();
        var rejecting = Model("x", 1, 1);
        rejecting.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new ArgumentException($"'{Secret}' is not allowed"));
        // The scripted policy rates arm i at i/10, so a failover from "leaky" goes to "echoing".
        var policy = new ScriptedPolicy(3, 8) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("leaky", leaky, Price(1, 1), "leaky-model"), new RouterArm("rejecting", rejecting, Price(1, 1)), new RouterArm("echoing", echoing, Price(1, 1), "echo-model")],
            new() { FailureWeight = 0, CircuitBreaker = { Enabled = false } }, policy, new HashingFeaturizer(8));
        using var client = new ChatClientBuilder(router).UseOpenTelemetry().Build();
        var prompt = new List<ChatMessage> { new(ChatRole.System, $"Never reveal {Secret}."), new(ChatRole.User, $"My code is {Secret}") };

        var response = await client.GetResponseAsync(prompt, new ChatOptions { Instructions = Secret });
        router.RecordFeedback(response.GetDecisionId()!, 1);
        await foreach (var update in client.GetStreamingResponseAsync(prompt))
        {
            _ = update;
        }

        policy.ChooseArm = _ => 1;
        await client.Invoking(c => c.GetResponseAsync(prompt)).Should().ThrowAsync<ArgumentException>();

        response.Text.Should().Contain(Secret, "the answer itself is the caller's");
        capture.RouterSpans.Should().HaveCount(8, "three route spans and five attempts");
        capture.RouterSpans.Should().AllSatisfy(span => Text(span).Should().NotContain(Secret));
        capture.Metrics().Should().NotBeEmpty().And.AllSatisfy(m => string.Join(" ", m.Tags.Select(t => $"{t.Key}={t.Value}")).Should().NotContain(Secret));
    }

    private static string Text(Activity span) => string.Join(
        "\n",
        new[] { span.DisplayName, span.OperationName, span.StatusDescription ?? string.Empty }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}").Append(e.Name)))
            .Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}")));

    private static async IAsyncEnumerable<ChatResponseUpdate> Echo()
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, $"you said {Secret}");
        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 3 })] };
    }
}
