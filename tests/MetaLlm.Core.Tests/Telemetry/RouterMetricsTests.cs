using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Tests.TestArms;
using static MetaLlm.Tests.Telemetry.TelemetryCapture;

namespace MetaLlm.Tests.Telemetry;

/// <summary>The MetaLlm meter: requests, failures, failovers, cost, reward, decision time and breaker changes, per arm.</summary>
[Collection(TelemetryListeners.Name)]
public sealed class RouterMetricsTests
{
    private const int D = 8;

    [Fact]
    public async Task A_failover_counts_the_failed_attempt_the_failover_and_the_request_with_its_cost_on_the_arm_that_answered()
    {
        using var capture = new TelemetryCapture();
        using var router = FlakyThenBackup(out _);

        await router.GetResponseAsync(Ask("q"));
        await router.GetResponseAsync(Ask("q"));

        var metrics = capture.Metrics();
        Point(metrics, "metallm.attempt.failures", ("metallm.arm", "flaky"), ("error.type", typeof(HttpRequestException).FullName)).Sum.Should().Be(2);
        Point(metrics, "metallm.failovers", ("metallm.arm", "flaky"), ("metallm.next_arm", "backup")).Sum.Should().Be(2);
        Point(metrics, "metallm.requests", ("metallm.arm", "backup")).Sum.Should().Be(2);
        metrics.Should().NotContain(m => m.Name == "metallm.requests" && Equals(m.Tags["metallm.arm"], "flaky"));
        var cost = Point(metrics, "metallm.cost", ("metallm.arm", "backup"));
        cost.Count.Should().Be(2);
        cost.Sum.Should().BeApproximately(2 * (double)((10 * 1m + 20 * 3m) / 1_000_000m), 1e-15);
    }

    [Fact]
    public async Task A_failed_request_is_counted_with_its_error_type_and_no_cost()
    {
        using var capture = new TelemetryCapture();
        var rejecting = Model("x", 1, 1);
        rejecting.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new InvalidOperationException("bad request"));
        using var router = new MetaLlmRouter([new RouterArm("strict", rejecting, Price(1, 1))], new() { FeatureDimension = D });
        var denyAll = new ChatOptions { AdditionalProperties = new() { [MetaLlmPropertyNames.DeniedArms] = "strict" } };

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<InvalidOperationException>();
        await router.Invoking(r => r.GetResponseAsync(Ask("q"), denyAll)).Should().ThrowAsync<NoEligibleArmException>();

        var metrics = capture.Metrics();
        Point(metrics, "metallm.requests", ("metallm.arm", "strict"), ("error.type", typeof(InvalidOperationException).FullName)).Sum.Should().Be(1);
        Point(metrics, "metallm.requests", ("error.type", typeof(NoEligibleArmException).FullName)).Sum.Should().Be(1, "a request no arm may serve is counted without an arm");
        Point(metrics, "metallm.attempt.failures", ("metallm.arm", "strict"), ("error.type", typeof(InvalidOperationException).FullName)).Sum.Should().Be(1);
        metrics.Should().NotContain(m => m.Name == "metallm.cost" || m.Name == "metallm.failovers");
    }

    [Fact]
    public async Task The_caller_s_cancellation_is_no_attempt_failure()
    {
        using var capture = new TelemetryCapture();
        using var cancellation = new CancellationTokenSource();
        var slow = Model("x", 1, 1);
        slow.GetResponseAsyncCallback = async (_, _, token) =>
        {
            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
            return new ChatResponse();
        };
        using var router = new MetaLlmRouter([new RouterArm("slow", slow, Price(1, 1))], new() { FeatureDimension = D });

        await router.Invoking(r => r.GetResponseAsync(Ask("q"), cancellationToken: cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();

        var metrics = capture.Metrics();
        metrics.Should().NotContain(m => m.Name == "metallm.attempt.failures");
        Point(metrics, "metallm.requests", ("metallm.arm", "slow"), ("error.type", typeof(OperationCanceledException).FullName)).Sum.Should().Be(1);
    }

    [Fact]
    public async Task Feedback_records_each_reward_on_its_arm_negative_ones_included()
    {
        using var capture = new TelemetryCapture();
        using var router = new MetaLlmRouter(
            [new RouterArm("only", Model("a", 1000, 500), Price(2, 4))],
            new() { FeatureDimension = D, CostWeight = 1, CostReferenceUsd = 0.008m });

        var good = router.RecordFeedback((await router.GetResponseAsync(Ask("q"))).GetDecisionId()!, 0.9);
        var bad = router.RecordFeedback((await router.GetResponseAsync(Ask("q"))).GetDecisionId()!, 0);

        good.Reward.Should().BeApproximately(0.4, 1e-12);
        bad.Reward.Should().BeApproximately(-0.5, 1e-12);
        var reward = Point(capture.Metrics(), "metallm.reward", ("metallm.arm", "only"));
        reward.Count.Should().Be(2);
        reward.Sum.Should().BeApproximately(good.Reward + bad.Reward, 1e-12);
    }

    [Fact]
    public async Task The_decision_duration_is_the_time_to_featurize_and_decide_on_the_router_s_clock()
    {
        using var capture = new TelemetryCapture();
        var clock = new FakeTimeProvider();
        var slowArm = Model("a", 1, 1);
        var answer = slowArm.GetResponseAsyncCallback!;
        slowArm.GetResponseAsyncCallback = (m, o, t) =>
        {
            clock.Advance(TimeSpan.FromSeconds(3));
            return answer(m, o, t);
        };
        slowArm.GetStreamingResponseAsyncCallback = (_, _, _) => OneUpdate(clock);
        using var router = new MetaLlmRouter(
            [new RouterArm("only", slowArm, Price(1, 1))], null, new ScriptedPolicy(1, D), new SlowFeaturizer(clock, TimeSpan.FromMilliseconds(250)), clock);

        await router.GetResponseAsync(Ask("q"));
        await foreach (var update in router.GetStreamingResponseAsync(Ask("q")))
        {
            _ = update;
        }

        var duration = Point(capture.Metrics(), "metallm.decision.duration", ("metallm.policy", "scripted"));
        duration.Count.Should().Be(2);
        duration.Sum.Should().Be(0.5, "each decision took the featurizer's 250 ms, not the arm's 3 s");
        duration.Unit.Should().Be("s");
    }

    [Fact]
    public async Task A_breaker_counts_every_change_of_state_on_its_arm()
    {
        using var capture = new TelemetryCapture();
        var clock = new FakeTimeProvider();
        int calls = 0;
        var recovering = Model("x", 1, 1);
        var answer = recovering.GetResponseAsyncCallback!;
        recovering.GetResponseAsyncCallback = (m, o, t) =>
            ++calls == 1 ? Task.FromException<ChatResponse>(new HttpRequestException("503")) : answer(m, o, t);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("recovering", recovering, Price(1, 1)), new RouterArm("backup", Model("b", 1, 1), Price(1, 1))],
            new() { FailureWeight = 0, CircuitBreaker = { ConsecutiveFailures = 1, BreakDuration = TimeSpan.FromSeconds(30) } }, policy, new HashingFeaturizer(D), clock);

        await router.GetResponseAsync(Ask("q"));
        clock.Advance(TimeSpan.FromSeconds(30));
        await router.GetResponseAsync(Ask("q"));

        var metrics = capture.Metrics();
        foreach (string state in new[] { "open", "half_open", "closed" })
        {
            Point(metrics, "metallm.breaker.state_changes", ("metallm.arm", "recovering"), ("metallm.breaker.state", state)).Sum.Should().Be(1);
        }

        Point(metrics, "metallm.requests", ("metallm.arm", "backup")).Sum.Should().Be(1);
        Point(metrics, "metallm.requests", ("metallm.arm", "recovering")).Sum.Should().Be(1);
    }

    [Fact]
    public async Task Every_instrument_follows_the_OpenTelemetry_naming_and_unit_conventions()
    {
        using var capture = new TelemetryCapture();
        var clock = new FakeTimeProvider();
        using var router = FlakyThenBackup(out _, clock, new() { ConsecutiveFailures = 1 });
        var response = await router.GetResponseAsync(Ask("q"));
        router.RecordFeedback(response.GetDecisionId()!, 1);

        var units = capture.Metrics().GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Unit);

        units.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["metallm.requests"] = "{request}",
            ["metallm.attempt.failures"] = "{attempt}",
            ["metallm.failovers"] = "{failover}",
            ["metallm.cost"] = "{USD}",
            ["metallm.reward"] = "1",
            ["metallm.decision.duration"] = "s",
            ["metallm.breaker.state_changes"] = "{change}",
        });
        capture.Metrics().Should().AllSatisfy(m => m.Description.Should().NotBeNullOrWhiteSpace());
    }

    private static MetaLlmRouter FlakyThenBackup(out TestChatClient flaky, TimeProvider? clock = null, CircuitBreakerOptions? breaker = null)
    {
        flaky = Model("x", 1, 1);
        flaky.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("503"));
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        return new MetaLlmRouter(
            [new RouterArm("flaky", flaky, Price(1, 1)), new RouterArm("backup", Model("from backup", 10, 20), Price(1, 3))],
            new() { FailureWeight = 0, CircuitBreaker = breaker ?? new() }, policy, new HashingFeaturizer(D), clock);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> OneUpdate(FakeTimeProvider clock)
    {
        await Task.Yield();
        clock.Advance(TimeSpan.FromSeconds(3));
        yield return new ChatResponseUpdate(ChatRole.Assistant, "a");
    }

    /// <summary>A featurizer that takes a set time on a fake clock.</summary>
    private sealed class SlowFeaturizer(FakeTimeProvider clock, TimeSpan takes) : IRequestFeaturizer
    {
        private readonly HashingFeaturizer _inner = new(D);

        public int Dimension => D;

        public string Name => "slow";

        public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
        {
            clock.Advance(takes);
            return _inner.FeaturizeAsync(messages, options, destination, cancellationToken);
        }
    }
}
