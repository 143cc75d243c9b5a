using MetaLlm.Tests.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class ShadowPolicyTests
{
    private const int Dimension = 16;

    // The serving policy prefers arm 0, the shadow arm 1: each learned that its arm scores 1 and the other 0.
    private static (LinUcbPolicy Serving, LinUcbPolicy Shadow) TwoOpinions()
    {
        var serving = new LinUcbPolicy(2, Dimension, new() { Alpha = 0, Seed = 1 });
        var shadow = new LinUcbPolicy(2, Dimension, new() { Alpha = 0, Seed = 2 });
        var x = new float[Dimension];
        x[^1] = 1;
        for (int i = 0; i < 5; i++)
        {
            serving.Update(0, x, new ArmObservation(1, default, 0));
            serving.Update(1, x, new ArmObservation(0, default, 0));
            shadow.Update(0, x, new ArmObservation(0, default, 0));
            shadow.Update(1, x, new ArmObservation(1, default, 0));
        }

        return (serving, shadow);
    }

    [Fact]
    public async Task The_shadow_decides_beside_the_serving_policy_is_never_served_never_learns_and_is_logged()
    {
        var (serving, shadow) = TwoOpinions();
        var log = new InMemoryDecisionLog();
        var first = TestChatClient.Answering("first", 10, 5);
        var second = TestChatClient.Answering("second", 10, 5);
        using var capture = new TelemetryCapture();
        using var router = new MetaLlmRouter(
            [new RouterArm("first", first, Price(1, 1)), new RouterArm("second", second, Price(1, 1))],
            new() { CostWeight = 0, ShadowPolicy = shadow, DecisionLog = log },
            serving,
            new HashingFeaturizer(Dimension));
        long shadowObservations = shadow.GetObservationCount(0) + shadow.GetObservationCount(1);

        var decision = await router.RouteAsync(Ask("hello"));
        router.RecordFeedback(decision.DecisionId, 1, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 });
        var response = await router.GetResponseAsync(Ask("hello again"));
        router.RecordFeedback(response.GetDecisionId()!, 1);

        decision.ArmIndex.Should().Be(0);
        decision.ShadowArmIndex.Should().Be(1);
        decision.ShadowPropensity.Should().Be(1);
        response.GetArmName().Should().Be("first", "the shadow's choice is never served");
        second.CallCount.Should().Be(0);
        (shadow.GetObservationCount(0) + shadow.GetObservationCount(1)).Should().Be(shadowObservations, "feedback never updates the shadow");
        log.GetDecisions().Should().HaveCount(2).And.OnlyContain(d => d.ArmIndex == 0 && d.ShadowArmIndex == 1 && d.ShadowPropensity == 1);
        TelemetryCapture.Point(capture.Metrics(), "metallm.shadow.decisions", ("metallm.shadow.agrees", false)).Sum.Should().Be(2);
    }

    [Fact]
    public async Task A_shadow_that_throws_is_logged_and_the_request_is_served_as_without_it()
    {
        var (serving, _) = TwoOpinions();
        var shadow = new BrokenPolicy();
        var logs = new RecordingLoggerFactory();
        using var router = new MetaLlmRouter(
            Answering(10, 5, Price(1, 1), Price(1, 1)),
            new() { ShadowPolicy = shadow },
            serving,
            new HashingFeaturizer(Dimension),
            loggerFactory: logs);

        var decision = await router.RouteAsync(Ask("hello"));

        decision.ArmIndex.Should().Be(0);
        decision.ShadowArmIndex.Should().BeNull();
        var warning = logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("broken-candidate").And.Contain(nameof(InvalidOperationException)).And.NotContain("secret");
        router.RecordFeedback(decision.DecisionId, 1, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 }).Score.Should().Be(1);
    }

    [Fact]
    public void A_shadow_that_does_not_fit_the_router_or_is_the_serving_policy_is_refused()
    {
        var arms = Answering(10, 5, Price(1, 1), Price(1, 1));
        var serving = new LinUcbPolicy(2, Dimension);

        FluentActions.Invoking(() => new MetaLlmRouter(arms, new() { ShadowPolicy = new LinUcbPolicy(3, Dimension) }, serving, new HashingFeaturizer(Dimension)))
            .Should().Throw<ArgumentException>().WithMessage("*shadow policy*3 arms*16 features*router has 2 arms and 16 features*");
        FluentActions.Invoking(() => new MetaLlmRouter(arms, new() { ShadowPolicy = new LinUcbPolicy(2, 8) }, serving, new HashingFeaturizer(Dimension)))
            .Should().Throw<ArgumentException>().WithMessage("*8 features*");
        FluentActions.Invoking(() => new MetaLlmRouter(arms, new() { ShadowPolicy = serving }, serving, new HashingFeaturizer(Dimension)))
            .Should().Throw<ArgumentException>().WithMessage("*shadow policy is the serving policy*");
    }

    /// <summary>A candidate whose every estimate throws, with a message a log must not repeat.</summary>
    private sealed class BrokenPolicy : IRoutingPolicy
    {
        public string Name => "broken-candidate";

        public int ArmCount => 2;

        public int Dimension => ShadowPolicyTests.Dimension;

        public void Estimate(ReadOnlySpan<float> context, double estimatedInputTokens, Span<ArmEstimate> estimates) =>
            throw new InvalidOperationException("secret prompt text");

        public PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, ReadOnlySpan<bool> eligible) => throw new NotSupportedException();

        public void Update(int arm, ReadOnlySpan<float> context, ArmObservation observation) => throw new NotSupportedException();

        public void Fit(ReadOnlySpan<float> contexts, ReadOnlySpan<ArmObservation> observations, int count) => throw new NotSupportedException();

        public IReadOnlyList<ArmStatistics> ExportStatistics() => throw new NotSupportedException();

        public void ImportStatistics(IReadOnlyList<ArmStatistics> statistics) => throw new NotSupportedException();
    }
}
