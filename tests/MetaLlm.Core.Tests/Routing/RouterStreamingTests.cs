using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class RouterStreamingTests
{
    [Fact]
    public async Task Streaming_marks_the_first_update_and_prices_the_usage_update()
    {
        var client = Streaming(Text("Hel"), Text("lo"), Usage(input: 2000, output: 300));
        using var router = SingleArm(client, Price(0.5m, 1.5m));

        var updates = await ToListAsync(router.GetStreamingResponseAsync(Ask("hi")));

        updates.Should().HaveCount(3);
        string id = (string)updates[0].AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;
        updates[0].AdditionalProperties![MetaLlmPropertyNames.ArmName].Should().Be("only");
        updates[0].AdditionalProperties!.Should().NotContainKey(MetaLlmPropertyNames.CostUsd, "the cost is unknown until the usage arrives");
        updates[1].AdditionalProperties.Should().BeNull("only the first and the usage updates carry the decision");
        updates[2].AdditionalProperties![MetaLlmPropertyNames.DecisionId].Should().Be(id);
        updates[2].AdditionalProperties![MetaLlmPropertyNames.ArmName].Should().Be("only");
        updates[2].AdditionalProperties![MetaLlmPropertyNames.CostUsd].Should().Be(((2000 * 0.5m) + (300 * 1.5m)) / 1_000_000m);
    }

    [Fact]
    public async Task ToChatResponse_keeps_the_decision_the_cost_and_the_usage()
    {
        var client = Streaming(Text("Hel"), Text("lo"), Usage(input: 2000, output: 300));
        using var router = SingleArm(client, Price(0.5m, 1.5m));

        var response = (await ToListAsync(router.GetStreamingResponseAsync(Ask("hi")))).ToChatResponse();

        response.Text.Should().Be("Hello");
        response.GetArmName().Should().Be("only");
        response.GetDecisionId().Should().NotBeNullOrWhiteSpace();
        response.GetCostUsd().Should().Be(0.00145m);
        response.Usage!.InputTokenCount.Should().Be(2000);
        response.Usage.OutputTokenCount.Should().Be(300);
    }

    [Fact]
    public async Task Usage_split_over_several_updates_is_summed_before_pricing()
    {
        var client = Streaming(Usage(input: 1000, output: 0), Text("a"), Usage(input: 0, output: 250));
        using var router = SingleArm(client, Price(2m, 8m));

        var updates = await ToListAsync(router.GetStreamingResponseAsync(Ask("hi")));

        updates[0].AdditionalProperties![MetaLlmPropertyNames.CostUsd].Should().Be(0.002m);
        updates[2].AdditionalProperties![MetaLlmPropertyNames.CostUsd].Should().Be(((1000 * 2m) + (250 * 8m)) / 1_000_000m);
        var feedback = router.RecordFeedback((string)updates[0].AdditionalProperties![MetaLlmPropertyNames.DecisionId]!, 1.0);
        feedback.CostUsd.Should().Be(0.004m);
    }

    [Fact]
    public async Task Feedback_after_the_stream_learns_from_the_streamed_usage()
    {
        var client = Streaming(Text("ok"), Usage(input: 10, output: 20));
        using var policy = new LinUcbPolicy(1, 8);
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(1m, 1m))], new() { CostWeight = 0 }, policy, new HashingFeaturizer(8));

        var response = (await ToListAsync(router.GetStreamingResponseAsync(Ask("hi")))).ToChatResponse();
        var feedback = router.RecordFeedback(response.GetDecisionId()!, 0.75);

        feedback.CostUsd.Should().Be(30m / 1_000_000m);
        feedback.Reward.Should().Be(0.75);
        policy.GetObservationCount(0).Should().Be(1);
    }

    [Fact]
    public async Task Feedback_during_the_stream_needs_the_usage_until_the_arm_reports_it()
    {
        var gate = new TaskCompletionSource();
        var client = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Gated(gate.Task) };
        using var policy = new LinUcbPolicy(1, 8);
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(1m, 1m))], policy: policy, featurizer: new HashingFeaturizer(8));
        await using var stream = router.GetStreamingResponseAsync(Ask("hi")).GetAsyncEnumerator();
        (await stream.MoveNextAsync()).Should().BeTrue();
        string id = (string)stream.Current.AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;

        router.Invoking(r => r.RecordFeedback(id, 1.0)).Should().Throw<InvalidOperationException>().WithMessage("*still waiting*");
        policy.GetObservationCount(0).Should().Be(0);

        gate.SetResult();
        while (await stream.MoveNextAsync())
        {
        }

        router.RecordFeedback(id, 1.0).CostUsd.Should().Be(7m / 1_000_000m);
        policy.GetObservationCount(0).Should().Be(1);
    }

    [Fact]
    public async Task A_stream_abandoned_before_its_usage_asks_for_the_usage_instead_of_waiting_forever()
    {
        var client = Streaming(Text("a"), Text("b"), Usage(input: 5, output: 5));
        using var policy = new LinUcbPolicy(1, 8);
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(1m, 1m))], policy: policy, featurizer: new HashingFeaturizer(8));
        string? id = null;
        await foreach (var update in router.GetStreamingResponseAsync(Ask("hi")))
        {
            id = (string)update.AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;
            break;
        }

        router.Invoking(r => r.RecordFeedback(id!, 1.0)).Should().Throw<InvalidOperationException>().WithMessage("*stopped reading its stream*pass the usage*");
        router.RecordFeedback(id!, 1.0, new UsageDetails { InputTokenCount = 5, OutputTokenCount = 5 }).CostUsd.Should().Be(10m / 1_000_000m);
        policy.GetObservationCount(0).Should().Be(1);
    }

    [Fact]
    public async Task The_streaming_arm_gets_the_caller_s_options_without_the_caller_s_model_id()
    {
        ChatOptions? seen = null;
        var client = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, options, token) =>
            {
                seen = options;
                return Updates([Text("ok")], token);
            },
        };
        using var router = SingleArm(client, Price(1m, 1m));
        var options = new ChatOptions { ModelId = "m", MaxOutputTokens = 5 };

        await ToListAsync(router.GetStreamingResponseAsync(Ask("hi"), options));

        seen.Should().NotBeSameAs(options, "the caller's model id is replaced, on a copy");
        seen!.ModelId.Should().BeNull("the arm reports no model id of its own, so it uses its default, never the caller's");
        seen.MaxOutputTokens.Should().Be(5);
        options.ModelId.Should().Be("m");
        options.AdditionalProperties.Should().BeNull();
        options.MaxOutputTokens.Should().Be(5);
    }

    [Fact]
    public async Task Feedback_mid_stream_is_refused_even_after_a_partial_usage_update()
    {
        var gate = new TaskCompletionSource();
        var client = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => PartialUsageThenMore(gate.Task) };
        using var router = SingleArm(client, Price(1m, 1m));
        await using var updates = router.GetStreamingResponseAsync(Ask("hi")).GetAsyncEnumerator();

        (await updates.MoveNextAsync()).Should().BeTrue();
        string id = (string)updates.Current.AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;
        updates.Current.AdditionalProperties![MetaLlmPropertyNames.CostUsd].Should().Be(3m / 1_000_000m, "the cost so far is shown");
        router.Invoking(r => r.RecordFeedback(id, 1.0)).Should().Throw<InvalidOperationException>().WithMessage("*still waiting for its answer*");
        router.Invoking(r => r.RecordFeedback(id, 1.0, new UsageDetails { InputTokenCount = 3 })).Should().Throw<InvalidOperationException>().WithMessage("*still waiting*");

        gate.SetResult();
        while (await updates.MoveNextAsync())
        {
        }

        router.RecordFeedback(id, 1.0).CostUsd.Should().Be(10m / 1_000_000m, "the whole stream's usage is learned, not the partial one");
    }

    internal static MetaLlmRouter SingleArm(IChatClient client, ModelPricing price) =>
        new([new RouterArm("only", client, price)], new() { FeatureDimension = 8, LinUcb = { Seed = 1 } });

    internal static TestChatClient Streaming(params ChatResponseUpdate[] updates) =>
        new() { GetStreamingResponseAsyncCallback = (_, _, token) => Updates(updates, token) };

    internal static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);

    internal static ChatResponseUpdate Usage(long input, long output) =>
        new() { Role = ChatRole.Assistant, Contents = [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output })] };

    internal static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(ChatResponseUpdate[] updates, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> PartialUsageThenMore(Task gate)
    {
        yield return Usage(input: 3, output: 0);
        await gate;
        yield return Text("rest");
        yield return Usage(input: 0, output: 7);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Gated(Task gate)
    {
        yield return Text("partial");
        await gate;
        yield return Usage(input: 3, output: 4);
    }
}
