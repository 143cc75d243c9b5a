using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>
/// Usage the router cannot price (negative counts, inconsistent cache counts, costs beyond decimal) never costs the
/// caller the answer, is named in the log, and leaves the decision open to feedback that gives the usage.
/// </summary>
public class UsageReportTests
{
    public static TheoryData<string, UsageDetails, ModelPricing> Unpriceable => new()
    {
        { "OutputTokenCount", new UsageDetails { InputTokenCount = 10, OutputTokenCount = -5 }, Price(1, 1) },
        { "InputTokenCount", new UsageDetails { InputTokenCount = -1, OutputTokenCount = 5 }, Price(1, 1) },
        { "CachedInputTokenCount", new UsageDetails { InputTokenCount = 10, CachedInputTokenCount = 20, OutputTokenCount = 5 }, Price(1, 1) },
        { "decimal", new UsageDetails { InputTokenCount = long.MaxValue, OutputTokenCount = long.MaxValue }, Price(decimal.MaxValue / 2, decimal.MaxValue / 2) },
    };

    [Theory]
    [MemberData(nameof(Unpriceable))]
    public async Task The_answer_reaches_the_caller_and_the_problem_is_named(string field, UsageDetails usage, ModelPricing price)
    {
        var logs = new RecordingLoggerFactory();
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "paid for")) { Usage = usage }) };
        using var router = new MetaLlmRouter([new RouterArm("odd", client, price)], new() { FeatureDimension = 8 }, loggerFactory: logs);

        var response = await router.GetResponseAsync(Ask("q"));

        response.Text.Should().Be("paid for");
        response.GetCostUsd().Should().BeNull();
        var warning = logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("odd").And.Contain(field);
        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1)).Should().Throw<InvalidOperationException>()
            .WithMessage("*cost*unknown*'odd'*pass the usage*");
        router.RecordFeedback(response.GetDecisionId()!, 1, new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0 })
            .ArmName.Should().Be("odd", "the decision is not left half-open");
    }

    [Fact]
    public async Task A_streamed_answer_with_unpriceable_usage_is_streamed_whole()
    {
        var bad = new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = -1 })] };
        using var router = RouterStreamingTests.SingleArm(RouterStreamingTests.Streaming(RouterStreamingTests.Text("a"), RouterStreamingTests.Text("b"), bad), Price(1, 1));

        var updates = await RouterStreamingTests.ToListAsync(router.GetStreamingResponseAsync(Ask("q")));

        updates.Should().HaveCount(3);
        updates[2].AdditionalProperties.Should().NotContainKey(MetaLlmPropertyNames.CostUsd);
        string id = (string)updates[0].AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;
        router.Invoking(r => r.RecordFeedback(id, 1)).Should().Throw<InvalidOperationException>().WithMessage("*OutputTokenCount*");
    }

    [Fact]
    public async Task Usage_without_any_count_is_an_unknown_cost_not_a_free_answer()
    {
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")) { Usage = new UsageDetails() }) };
        using var router = new MetaLlmRouter([new RouterArm("a", client, Price(1, 1))], new() { FeatureDimension = 8 });

        var response = await router.GetResponseAsync(Ask("q"));

        response.GetCostUsd().Should().BeNull();
        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1)).Should().Throw<InvalidOperationException>().WithMessage("*no token count*");
        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1, new UsageDetails())).Should().Throw<ArgumentException>().WithParameterName("usage");
    }

    [Fact]
    public async Task Feedback_with_bad_usage_is_refused_and_the_decision_stays_open()
    {
        using var router = new MetaLlmRouter(Answering(10, 10, Price(1, 1)), new() { FeatureDimension = 8 });
        var response = await router.GetResponseAsync(Ask("q"));

        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1, new UsageDetails { InputTokenCount = -3 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*InputTokenCount*");
        router.RecordFeedback(response.GetDecisionId()!, 1).CostUsd.Should().Be(20m / 1_000_000m);
    }
}
