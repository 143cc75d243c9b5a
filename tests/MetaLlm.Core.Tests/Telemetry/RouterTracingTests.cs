using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;
using static MetaLlm.Tests.Telemetry.TelemetryCapture;

namespace MetaLlm.Tests.Telemetry;

/// <summary>A routed request is a metallm.route span with one gen_ai client span per attempt, under UseOpenTelemetry()'s span when it is on top.</summary>
[Collection(TelemetryListeners.Name)]
public sealed class RouterTracingTests
{
    private const int D = 8;

    [Fact]
    public async Task A_request_is_an_internal_route_span_with_the_decision_and_a_client_span_for_its_attempt()
    {
        using var capture = new TelemetryCapture();
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 1, Propensity = 0.75 };
        using var router = new MetaLlmRouter(
            [new RouterArm("cheap", Model("a", 1, 1), Price(1, 2), "cheap-model"), new RouterArm("smart", Model("b", 1000, 500, "acme"), Price(2, 4), "smart-model")],
            new() { CostWeight = 0, FailureWeight = 0 }, policy, new HashingFeaturizer(D));

        var response = await router.GetResponseAsync(Ask("hello"));

        capture.Spans.Should().HaveCount(2);
        var route = capture.Span("metallm.route");
        var attempt = capture.Span("chat smart-model");
        route.Kind.Should().Be(ActivityKind.Internal);
        route.Status.Should().Be(ActivityStatusCode.Unset);
        route.TagObjects.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["metallm.policy"] = "scripted",
            ["metallm.decision_id"] = response.GetDecisionId(),
            ["metallm.chosen_arm"] = "smart",
            ["metallm.predicted_reward"] = 0.1,
            ["metallm.propensity"] = 0.75,
            ["metallm.cost_weight"] = 0.0,
            ["metallm.eligible_arms"] = 2,
            ["metallm.arm"] = "smart",
            ["metallm.attempts"] = 1,
            ["metallm.cost_usd"] = (double)((1000 * 2m + 500 * 4m) / 1_000_000m),
        });

        attempt.Kind.Should().Be(ActivityKind.Client);
        attempt.ParentSpanId.Should().Be(route.SpanId);
        attempt.TraceId.Should().Be(route.TraceId);
        attempt.Status.Should().Be(ActivityStatusCode.Unset);
        attempt.TagObjects.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.request.model"] = "smart-model",
            ["gen_ai.provider.name"] = "acme",
            ["server.address"] = "models.example.com",
            ["server.port"] = 8443,
            ["metallm.arm"] = "smart",
            ["gen_ai.usage.input_tokens"] = 1000L,
            ["gen_ai.usage.output_tokens"] = 500L,
        });
    }

    [Fact]
    public async Task A_failover_is_two_attempt_spans_under_one_route_span_the_first_failed_with_its_error_type()
    {
        using var capture = new TelemetryCapture();
        var flaky = Model("x", 1, 1);
        flaky.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("503 from upstream"));
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("flaky", flaky, Price(1, 1), "flaky-model"), new RouterArm("backup", Model("from backup", 10, 20), Price(1, 1), "backup-model")],
            new() { FailureWeight = 0 }, policy, new HashingFeaturizer(D));

        var response = await router.GetResponseAsync(Ask("q"));

        response.Text.Should().Be("from backup");
        var route = capture.Span("metallm.route");
        route.GetTagItem("metallm.attempts").Should().Be(2);
        route.GetTagItem("metallm.chosen_arm").Should().Be("flaky");
        route.GetTagItem("metallm.arm").Should().Be("backup");
        route.GetTagItem("metallm.decision_id").Should().Be(response.GetDecisionId());
        route.Status.Should().Be(ActivityStatusCode.Unset);

        var failed = capture.Span("chat flaky-model");
        failed.ParentSpanId.Should().Be(route.SpanId);
        failed.Status.Should().Be(ActivityStatusCode.Error);
        failed.StatusDescription.Should().BeNull("an exception's message may echo the prompt");
        failed.GetTagItem("error.type").Should().Be(typeof(HttpRequestException).FullName);
        failed.GetTagItem("metallm.error.kind").Should().Be(nameof(HttpRequestException));
        failed.GetTagItem("gen_ai.usage.input_tokens").Should().BeNull();

        var answered = capture.Span("chat backup-model");
        answered.ParentSpanId.Should().Be(route.SpanId);
        answered.Status.Should().Be(ActivityStatusCode.Unset);
        answered.GetTagItem("gen_ai.usage.output_tokens").Should().Be(20L);
        answered.StartTimeUtc.Should().BeOnOrAfter(failed.StartTimeUtc + failed.Duration);
    }

    [Fact]
    public async Task Under_UseOpenTelemetry_the_router_spans_are_children_of_its_chat_span_without_duplicates()
    {
        using var capture = new TelemetryCapture();
        using var router = new MetaLlmRouter([new RouterArm("only", Model("a", 3, 4), Price(1, 1), "only-model")], new() { FeatureDimension = D });
        using var client = new ChatClientBuilder(router).UseOpenTelemetry().Build();

        var response = await client.GetResponseAsync(Ask("q"));

        capture.Spans.Should().HaveCount(3);
        var outer = capture.Spans.Should().ContainSingle(s => s.Source.Name == MeaiSourceName).Subject;
        outer.DisplayName.Should().Be("chat", "the router names no model of its own");
        outer.Kind.Should().Be(ActivityKind.Client);
        outer.GetTagItem("gen_ai.provider.name").Should().Be("metallm");
        var route = capture.Span("metallm.route");
        var attempt = capture.Span("chat only-model");
        route.ParentSpanId.Should().Be(outer.SpanId);
        attempt.ParentSpanId.Should().Be(route.SpanId);
        new[] { route.TraceId, attempt.TraceId }.Should().AllBeEquivalentTo(outer.TraceId);
        route.GetTagItem("metallm.decision_id").Should().Be(response.GetDecisionId());

        // Our attempt span carries the same gen_ai attribute names as MEAI's own chat span.
        attempt.GetTagItem("gen_ai.operation.name").Should().Be(outer.GetTagItem("gen_ai.operation.name"));
        attempt.GetTagItem("gen_ai.usage.input_tokens").Should().Be(3L);
        outer.GetTagItem("gen_ai.usage.input_tokens").Should().Be(3);
    }

    [Fact]
    public async Task The_arm_runs_inside_its_attempt_span_so_its_own_spans_nest_there()
    {
        using var capture = new TelemetryCapture();
        Activity? seen = null;
        using var router = OneArmRouter(current => seen = current);

        await router.GetResponseAsync(Ask("q"));

        seen.Should().BeSameAs(capture.Span("chat m"));
        Activity.Current.Should().BeNull("the router's spans do not leak into its caller");
    }

    [Fact]
    public async Task A_stream_s_route_span_ends_when_the_stream_ends_with_the_usage_it_streamed()
    {
        using var capture = new TelemetryCapture();
        var resumedIn = new List<Activity?>();
        var arm = Model("unused", 0, 0);
        arm.GetStreamingResponseAsyncCallback = (_, _, token) => Updates(resumedIn, token);
        using var router = new MetaLlmRouter([new RouterArm("streamer", arm, Price(1, 1), "stream-model")], new() { FeatureDimension = D });

        var updates = router.GetStreamingResponseAsync(Ask("q")).GetAsyncEnumerator();
        (await updates.MoveNextAsync()).Should().BeTrue();
        capture.Spans.Should().BeEmpty("the request is still streaming");
        while (await updates.MoveNextAsync())
        {
            capture.Spans.Should().BeEmpty();
        }

        await updates.DisposeAsync();

        var route = capture.Span("metallm.route");
        var attempt = capture.Span("chat stream-model");
        attempt.ParentSpanId.Should().Be(route.SpanId);
        attempt.GetTagItem("gen_ai.request.stream").Should().Be(true);
        attempt.GetTagItem("gen_ai.usage.input_tokens").Should().Be(7L);
        attempt.GetTagItem("gen_ai.usage.output_tokens").Should().Be(5L);
        attempt.GetTagItem("gen_ai.response.model").Should().Be("stream-model-2026");
        attempt.GetTagItem("gen_ai.response.id").Should().Be("resp-1");
        route.GetTagItem("metallm.attempts").Should().Be(1);
        route.GetTagItem("metallm.cost_usd").Should().Be((double)(12m / 1_000_000m));
        route.Status.Should().Be(ActivityStatusCode.Unset);
        resumedIn.Should().HaveCount(3).And.AllSatisfy(a => a.Should().BeSameAs(attempt), "every resumption of the arm's stream runs inside the attempt span");
    }

    [Fact]
    public async Task An_abandoned_stream_ends_its_spans_without_an_error_or_a_cost()
    {
        using var capture = new TelemetryCapture();
        var arm = Model("unused", 0, 0);
        arm.GetStreamingResponseAsyncCallback = (_, _, token) => Updates([], token);
        using var router = new MetaLlmRouter([new RouterArm("streamer", arm, Price(1, 1), "stream-model")], new() { FeatureDimension = D });

        await foreach (var update in router.GetStreamingResponseAsync(Ask("q")))
        {
            break;
        }

        var route = capture.Span("metallm.route");
        route.Status.Should().Be(ActivityStatusCode.Unset);
        route.GetTagItem("metallm.attempts").Should().Be(1);
        route.GetTagItem("metallm.cost_usd").Should().BeNull("a stream read in part has no known cost");
        capture.Span("chat stream-model").Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task A_stream_that_fails_after_its_first_update_ends_both_spans_with_the_error_type()
    {
        using var capture = new TelemetryCapture();
        var arm = Model("unused", 0, 0);
        arm.GetStreamingResponseAsyncCallback = (_, _, _) => FailingAfterOne();
        using var router = new MetaLlmRouter([new RouterArm("streamer", arm, Price(1, 1), "stream-model")], new() { FeatureDimension = D });

        var read = async () =>
        {
            await foreach (var update in router.GetStreamingResponseAsync(Ask("q")))
            {
                _ = update;
            }
        };

        await read.Should().ThrowAsync<IOException>();
        var route = capture.Span("metallm.route");
        route.Status.Should().Be(ActivityStatusCode.Error);
        route.GetTagItem("error.type").Should().Be(typeof(IOException).FullName);
        var attempt = capture.Span("chat stream-model");
        attempt.Status.Should().Be(ActivityStatusCode.Error);
        attempt.GetTagItem("error.type").Should().Be(typeof(IOException).FullName);
    }

    [Fact]
    public async Task A_request_that_fails_everywhere_ends_its_route_span_with_the_router_s_exception_type()
    {
        using var capture = new TelemetryCapture();
        var broken = Model("x", 1, 1);
        broken.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new TimeoutException());
        using var router = new MetaLlmRouter([new RouterArm("broken", broken, Price(1, 1), "broken-model")], new() { FeatureDimension = D });

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>();

        var route = capture.Span("metallm.route");
        route.Status.Should().Be(ActivityStatusCode.Error);
        route.StatusDescription.Should().BeNull();
        route.GetTagItem("error.type").Should().Be(typeof(ArmAttemptsFailedException).FullName);
        route.GetTagItem("metallm.attempts").Should().Be(1);
        capture.Span("chat broken-model").GetTagItem("error.type").Should().Be(typeof(TimeoutException).FullName);
    }

    [Fact]
    public async Task A_request_no_arm_may_serve_has_a_route_span_with_its_error_and_no_attempt()
    {
        using var capture = new TelemetryCapture();
        using var router = new MetaLlmRouter([new RouterArm("only", Model("a", 1, 1), Price(1, 1), "m")], new() { FeatureDimension = D });
        var options = new ChatOptions { AdditionalProperties = new() { [MetaLlmPropertyNames.DeniedArms] = "only" } };

        await router.Invoking(r => r.GetResponseAsync(Ask("q"), options)).Should().ThrowAsync<NoEligibleArmException>();

        capture.Spans.Should().ContainSingle();
        var route = capture.Span("metallm.route");
        route.Status.Should().Be(ActivityStatusCode.Error);
        route.GetTagItem("error.type").Should().Be(typeof(NoEligibleArmException).FullName);
        route.GetTagItem("metallm.decision_id").Should().BeNull();
    }

    [Fact]
    public async Task A_timed_out_attempt_has_error_type_timeout()
    {
        using var capture = new TelemetryCapture();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var hanging = Model("x", 1, 1);
        hanging.GetResponseAsyncCallback = async (_, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return new ChatResponse();
        };
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 0 };
        using var router = new MetaLlmRouter(
            [new RouterArm("hanging", hanging, Price(1, 1), "slow"), new RouterArm("backup", Model("b", 1, 1), Price(1, 1), "fast")],
            new() { AttemptTimeout = TimeSpan.FromSeconds(5) }, policy, new HashingFeaturizer(D), clock);

        var pending = router.GetResponseAsync(Ask("q"));
        await FailoverTests.WaitUntilAsync(() => hanging.CallCount == 1);
        clock.Advance(TimeSpan.FromSeconds(5));
        await pending.WaitAsync(TimeSpan.FromSeconds(10));

        var slow = capture.Span("chat slow");
        slow.GetTagItem("error.type").Should().Be("timeout");
        slow.GetTagItem("metallm.error.kind").Should().Be("Timeout");
        capture.Span("metallm.route").GetTagItem("metallm.attempts").Should().Be(2);
    }

    [Fact]
    public async Task Nobody_listening_means_no_span_is_made()
    {
        Activity? seen = null;
        using var router = OneArmRouter(current => seen = current);

        var response = await router.GetResponseAsync(Ask("q"));

        response.Text.Should().Be("a");
        seen.Should().BeNull();
    }

    /// <summary>A router over one arm that reports <see cref="Activity.Current"/> as the arm sees it.</summary>
    private static MetaLlmRouter OneArmRouter(Action<Activity?> armSees)
    {
        var arm = Model("a", 1, 1);
        var answer = arm.GetResponseAsyncCallback!;
        arm.GetResponseAsyncCallback = (m, o, t) =>
        {
            armSees(Activity.Current);
            return answer(m, o, t);
        };
        return new MetaLlmRouter([new RouterArm("only", arm, Price(1, 1), "m")], new() { FeatureDimension = D });
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(List<Activity?> resumedIn, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "he") { ModelId = "stream-model-2026", ResponseId = "resp-1" };
        resumedIn.Add(Activity.Current);
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "llo") { ModelId = "stream-model-2026", ResponseId = "resp-1" };
        resumedIn.Add(Activity.Current);
        cancellationToken.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 5 })] };
        resumedIn.Add(Activity.Current);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FailingAfterOne()
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "partial");
        throw new IOException("connection reset");
    }
}
