using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>Faults at an arm: the request goes to the next-best arm, breakers open and close on the clock, timeouts hold.</summary>
public class FailoverTests
{
    private const int D = 8;

    [Fact]
    public async Task A_throwing_arm_fails_over_to_the_next_best_arm_and_every_attempt_is_recorded()
    {
        var broken = Throwing(() => new HttpRequestException("503"));
        var backup = TestChatClient.Answering("from backup", 10, 10);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter([new RouterArm("broken", broken, Price(1, 1)), new RouterArm("backup", backup, Price(1, 1))], policy: policy, featurizer: new HashingFeaturizer(D));

        var response = await router.GetResponseAsync(Ask("q"));

        response.Text.Should().Be("from backup");
        response.GetArmName().Should().Be("backup");
        var attempts = (IReadOnlyList<ArmAttempt>)response.AdditionalProperties![MetaLlmPropertyNames.Attempts]!;
        attempts.Select(a => (a.ArmName, a.Outcome)).Should().Equal(("broken", ArmAttemptOutcome.FailedTransiently), ("backup", ArmAttemptOutcome.Succeeded));
        router.RecordFeedback(response.GetDecisionId()!, 1).ArmName.Should().Be("backup", "feedback teaches the arm that answered");
        policy.Updates.Should().ContainSingle().Which.Arm.Should().Be(1);
        router.GetArmHealth()[0].Failures.Should().Be(1);
    }

    [Fact]
    public async Task A_bad_request_is_not_failed_over_and_reaches_the_caller_as_it_is()
    {
        var rejecting = Throwing(() => new NonTransientFailure());
        var backup = TestChatClient.Answering("x", 1, 1);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter([new RouterArm("strict", rejecting, Price(1, 1)), new RouterArm("backup", backup, Price(1, 1))], policy: policy, featurizer: new HashingFeaturizer(D));

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<NonTransientFailure>();
        backup.CallCount.Should().Be(0);
        router.GetArmHealth()[0].Failures.Should().Be(0, "a request another arm would not serve either is no failure of the arm");
    }

    [Fact]
    public async Task The_caller_s_cancellation_neither_fails_over_nor_counts_against_the_arm()
    {
        using var cancellation = new CancellationTokenSource();
        var slow = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                await cancellation.CancelAsync();
                token.ThrowIfCancellationRequested();
                return new ChatResponse();
            },
        };
        var backup = TestChatClient.Answering("x", 1, 1);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter([new RouterArm("slow", slow, Price(1, 1)), new RouterArm("backup", backup, Price(1, 1))], policy: policy, featurizer: new HashingFeaturizer(D));

        await router.Invoking(r => r.GetResponseAsync(Ask("q"), cancellationToken: cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();

        backup.CallCount.Should().Be(0);
        router.GetArmHealth()[0].Should().Match<ArmHealth>(h => h.Failures == 0 && h.State == CircuitState.Closed);
    }

    [Fact]
    public async Task A_hanging_arm_times_out_on_the_router_s_clock_and_the_next_arm_answers()
    {
        var clock = new FakeTimeProvider();
        var hanging = new TestChatClient { GetResponseAsyncCallback = async (_, _, token) => { await Task.Delay(Timeout.InfiniteTimeSpan, clock, token); return new ChatResponse(); } };
        var backup = TestChatClient.Answering("in time", 1, 1);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("hanging", hanging, Price(1, 1)), new RouterArm("backup", backup, Price(1, 1))],
            new() { AttemptTimeout = TimeSpan.FromSeconds(10) }, policy, new HashingFeaturizer(D), clock);

        var pending = router.GetResponseAsync(Ask("q"));
        await WaitUntilAsync(() => hanging.CallCount == 1);
        pending.IsCompleted.Should().BeFalse();
        clock.Advance(TimeSpan.FromSeconds(10));

        var response = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        response.Text.Should().Be("in time");
        ((IReadOnlyList<ArmAttempt>)response.AdditionalProperties![MetaLlmPropertyNames.Attempts]!)[0].ErrorKind.Should().Be("Timeout");
    }

    [Fact]
    public async Task The_request_deadline_ends_every_attempt_with_the_typed_exception()
    {
        var clock = new FakeTimeProvider();
        var hanging = new TestChatClient { GetResponseAsyncCallback = async (_, _, token) => { await Task.Delay(Timeout.InfiniteTimeSpan, clock, token); return new ChatResponse(); } };
        using var router = new MetaLlmRouter(
            [new RouterArm("a", hanging, Price(1, 1)), new RouterArm("b", hanging, Price(1, 1))],
            new() { RequestTimeout = TimeSpan.FromSeconds(30), FeatureDimension = D }, timeProvider: clock);

        var pending = router.GetResponseAsync(Ask("q"));
        await WaitUntilAsync(() => hanging.CallCount == 1);
        clock.Advance(TimeSpan.FromSeconds(30));

        var thrown = (await pending.Invoking(p => p.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<ArmAttemptsFailedException>()).Which;
        thrown.Attempts.Should().ContainSingle("no time is left for another arm").Which.ErrorKind.Should().Be("Timeout");
    }

    [Fact]
    public async Task A_breaker_opens_after_consecutive_failures_half_opens_after_its_break_and_closes_on_a_success()
    {
        var clock = new FakeTimeProvider();
        bool down = true;
        var flaky = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => down
                ? throw new TimeoutException("slow")
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new() { InputTokenCount = 1, OutputTokenCount = 1 } }),
        };
        var backup = TestChatClient.Answering("backup", 1, 1);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("flaky", flaky, Price(1, 1)), new RouterArm("backup", backup, Price(1, 1))],
            new() { CircuitBreaker = { ConsecutiveFailures = 3, BreakDuration = TimeSpan.FromMinutes(1) } }, policy, new HashingFeaturizer(D), clock);

        for (int i = 0; i < 3; i++)
        {
            (await router.GetResponseAsync(Ask("q"))).Text.Should().Be("backup");
        }

        router.GetArmHealth()[0].Should().Match<ArmHealth>(h => h.State == CircuitState.Open && h.ConsecutiveFailures == 3 && h.OpenUntil == clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        // Open: the policy still prefers it, but it is not eligible, so the request goes straight to the backup.
        policy.ChooseArm = _ => 1;
        (await router.GetResponseAsync(Ask("q"))).Text.Should().Be("backup");
        flaky.CallCount.Should().Be(3);

        clock.Advance(TimeSpan.FromMinutes(1));
        router.GetArmHealth()[0].State.Should().Be(CircuitState.HalfOpen);
        down = false;
        policy.ChooseArm = _ => 0;
        (await router.GetResponseAsync(Ask("q"))).Text.Should().Be("ok", "the half-open trial goes through and succeeds");
        router.GetArmHealth()[0].Should().Match<ArmHealth>(h => h.State == CircuitState.Closed && h.ConsecutiveFailures == 0);
    }

    [Fact]
    public async Task With_every_breaker_open_requests_are_refused_before_any_model_is_called()
    {
        var clock = new FakeTimeProvider();
        var broken = Throwing(() => new TimeoutException());
        using var router = new MetaLlmRouter(
            [new RouterArm("a", broken, Price(1, 1)), new RouterArm("b", broken, Price(1, 1))],
            new() { FeatureDimension = D, CircuitBreaker = { ConsecutiveFailures = 1 } }, timeProvider: clock);

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>();
        int calls = broken.CallCount;

        var refused = (await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<NoEligibleArmException>()).Which;
        refused.Reasons.Keys.Should().BeEquivalentTo("a", "b");
        refused.Reasons["a"].Should().Contain("circuit breaker");
        broken.CallCount.Should().Be(calls);
    }

    [Fact]
    public async Task Recent_failures_lower_an_arm_s_predicted_reward_and_fade_with_time()
    {
        var clock = new FakeTimeProvider();
        var broken = Throwing(() => new HttpRequestException());
        var backup = TestChatClient.Answering("x", 1, 1);
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("broken", broken, Price(1, 1)), new RouterArm("backup", backup, Price(1, 1))],
            new() { FailureWeight = 0.8, FailureHalfLife = TimeSpan.FromMinutes(10), CircuitBreaker = { Enabled = false } }, policy, new HashingFeaturizer(D), clock);

        await router.GetResponseAsync(Ask("q"));
        var now = await router.RouteAsync(Ask("q"));
        now.Estimates[0].FailurePenalty.Should().BeApproximately(0.8 * (1.0 / 2.0), 1e-12, "one failure in one attempt, over attempts + 1");
        now.Estimates[1].FailurePenalty.Should().Be(0);

        clock.Advance(TimeSpan.FromMinutes(10));
        var later = await router.RouteAsync(Ask("q"));
        later.Estimates[0].FailurePenalty.Should().BeApproximately(0.8 * (0.5 / 1.5), 1e-12, "the failure's weight halves every half-life");
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_update_fails_over_and_one_that_fails_after_does_not()
    {
        var failsAtOnce = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => FailingStream(updatesFirst: 0, token) };
        var failsMidway = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => FailingStream(updatesFirst: 2, token) };
        var backup = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Stream("b1", "b2") };
        var policy = new ScriptedPolicy(3, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("at-once", failsAtOnce, Price(1, 1)), new RouterArm("midway", failsMidway, Price(1, 1)), new RouterArm("backup", backup, Price(2, 2))],
            policy: policy, featurizer: new HashingFeaturizer(D));

        var texts = new List<string>();
        var withoutMidway = new ChatOptions { AdditionalProperties = new() { [MetaLlmPropertyNames.DeniedArms] = "midway" } };
        await foreach (var update in router.GetStreamingResponseAsync(Ask("q"), withoutMidway))
        {
            texts.Add(update.Text);
        }

        texts.Should().Equal("b1", "b2");

        policy.ChooseArm = _ => 1;
        var received = new List<string>();
        var act = async () =>
        {
            await foreach (var update in router.GetStreamingResponseAsync(Ask("q")))
            {
                received.Add(update.Text);
            }
        };
        await act.Should().ThrowAsync<IOException>("output already reached the caller, so no other arm may continue it");
        received.Should().Equal("m0", "m1");
        backup.CallCount.Should().Be(1);
    }

    [Fact]
    public async Task Requests_are_routed_only_among_arms_that_can_serve_them()
    {
        var client = TestChatClient.Answering("x", 1, 1);
        using var router = new MetaLlmRouter(
            [
                new RouterArm("text-only", client, Price(0.1m, 0.1m)) { Capabilities = new() { SupportsTools = false, SupportsImages = false, MaxInputTokens = 10 } },
                new RouterArm("vision", client, Price(5, 5)) { Capabilities = new() { SupportsTools = false } },
                new RouterArm("agent", client, Price(5, 5)),
            ],
            new() { FeatureDimension = D, CostWeight = 0 });

        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] };
        (await router.RouteAsync(Ask("q"), tools)).Arm.Name.Should().Be("agent");
        List<ChatMessage> image = [new(ChatRole.User, [new TextContent("what is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])];
        (await router.RouteAsync(image)).Estimates.Should().HaveCount(3);
        Enumerable.Range(0, 10).Select(_ => router.RouteAsync(image).Result.Arm.Name).Should().NotContain("text-only");
        var longPrompt = Ask(new string('a', 200));
        Enumerable.Range(0, 10).Select(_ => router.RouteAsync(longPrompt).Result.Arm.Name).Should().NotContain("text-only", "about 50 tokens exceed its 10");

        var pinned = new ChatOptions { AdditionalProperties = new() { [MetaLlmPropertyNames.PinnedArm] = "vision" } };
        (await router.RouteAsync(Ask("q"), pinned)).Arm.Name.Should().Be("vision");
        var allowed = new ChatOptions { AdditionalProperties = new() { [MetaLlmPropertyNames.AllowedArms] = "text-only, vision", [MetaLlmPropertyNames.DeniedArms] = new[] { "vision" } } };
        (await router.RouteAsync(Ask("q"), allowed)).Arm.Name.Should().Be("text-only");

        var impossible = new ChatOptions { Tools = tools.Tools, AdditionalProperties = new() { [MetaLlmPropertyNames.PinnedArm] = "vision" } };
        var refused = (await router.Invoking(r => r.GetResponseAsync(Ask("q"), impossible)).Should().ThrowAsync<NoEligibleArmException>()).Which;
        refused.Reasons["vision"].Should().Be("cannot call tools");
        refused.Reasons["agent"].Should().Contain("pinned");
        client.CallCount.Should().Be(0, "no model is called for a request no arm can serve");
        await router.Invoking(r => r.RouteAsync(Ask("q"), new ChatOptions { AdditionalProperties = new() { [MetaLlmPropertyNames.PinnedArm] = "nobody" } }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*'nobody'*");
    }

    [Fact]
    public async Task A_decision_explains_every_arm_for_an_operator()
    {
        var client = TestChatClient.Answering("x", 1, 1);
        using var router = new MetaLlmRouter(
            [new RouterArm("small", client, Price(1, 1)), new RouterArm("blind", client, Price(2, 2)) { Capabilities = new() { SupportsImages = false } }],
            new() { FeatureDimension = D });
        List<ChatMessage> image = [new(ChatRole.User, [new TextContent("what is in this secret picture?"), new DataContent(new byte[] { 1 }, "image/jpeg")])];

        var decision = await router.RouteAsync(image);

        decision.IneligibleReasons.Should().Equal(new Dictionary<string, string> { ["blind"] = "cannot take images" });
        decision.Health.Select(h => h.State).Should().Equal(CircuitState.Closed, CircuitState.Closed);
        string explanation = decision.Explain();
        explanation.Should().Contain(decision.DecisionId).And.Contain("*small: score").And.Contain("blind: skipped, it cannot take images").And.Contain("breaker Closed");
        explanation.Should().NotContain("secret", "an explanation carries no prompt text");
    }

    internal static TestChatClient Throwing(Func<Exception> failure) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(failure()),
        GetStreamingResponseAsyncCallback = (_, _, _) => throw failure(),
    };

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        condition().Should().BeTrue();
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FailingStream(int updatesFirst, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < updatesFirst; i++)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, $"m{i}");
        }

        await Task.Yield();
        throw new IOException("connection reset");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(params string[] texts)
    {
        foreach (var text in texts)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }
    }

    private sealed class NonTransientFailure : Exception, IModelErrorClassification
    {
        public string ErrorKind => "InvalidRequest";

        public bool IsTransient => false;
    }
}
