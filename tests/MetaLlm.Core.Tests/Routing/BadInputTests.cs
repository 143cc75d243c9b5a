using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>Every bad input gets a clear exception, and nothing the router has learned changes.</summary>
public class BadInputTests
{
    private const int D = 16;

    [Fact]
    public void A_router_without_arms_is_rejected()
    {
        FluentActions.Invoking(() => new MetaLlmRouter([])).Should().Throw<ArgumentException>().WithParameterName("arms").WithMessage("*at least one arm*");
        FluentActions.Invoking(() => new MetaLlmRouter(null!)).Should().Throw<ArgumentNullException>().WithParameterName("arms");
    }

    [Fact]
    public void Duplicate_arm_names_are_rejected_naming_the_arm()
    {
        var arms = Answering(1, 1, Price(1, 1), Price(2, 2));
        var twin = new RouterArm("arm0", arms[1].Client, Price(3, 3));

        FluentActions.Invoking(() => new MetaLlmRouter([arms[0], arms[1], twin])).Should().Throw<ArgumentException>().WithParameterName("arms").WithMessage("*'arm0'*unique*");
    }

    [Fact]
    public void A_null_arm_is_rejected()
    {
        var arms = Answering(1, 1, Price(1, 1));

        FluentActions.Invoking(() => new MetaLlmRouter([arms[0], null!])).Should().Throw<ArgumentNullException>().WithParameterName("arms");
    }

    [Fact]
    public void Arms_need_a_name_a_client_and_a_price()
    {
        var client = TestChatClient.Answering("x", 1, 1);

        FluentActions.Invoking(() => new RouterArm(" ", client, Price(1, 1))).Should().Throw<ArgumentException>().WithParameterName("name");
        FluentActions.Invoking(() => new RouterArm(null!, client, Price(1, 1))).Should().Throw<ArgumentNullException>().WithParameterName("name");
        FluentActions.Invoking(() => new RouterArm("a", null!, Price(1, 1))).Should().Throw<ArgumentNullException>().WithParameterName("client");
        FluentActions.Invoking(() => new RouterArm("a", client, null!)).Should().Throw<ArgumentNullException>().WithParameterName("pricing");
    }

    [Fact]
    public void Negative_prices_are_rejected_naming_the_price()
    {
        FluentActions.Invoking(() => new ModelPricing(-0.01m, 1m)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inputPerMillionTokens");
        FluentActions.Invoking(() => ModelPricing.PerMillionTokens(1m, -5m)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outputPerMillionTokens");
    }

    [Fact]
    public void A_featurizer_whose_dimension_differs_from_the_policy_s_is_rejected_and_the_policy_is_untouched()
    {
        using var policy = TrainedPolicy(arms: 2);
        var before = policy.ExportState();

        FluentActions.Invoking(() => new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), policy: policy, featurizer: new HashingFeaturizer(D + 1)))
            .Should().Throw<ArgumentException>().WithParameterName("featurizer").WithMessage($"*hashing-{D + 1}*writes {D + 1}*'linucb' expects {D}*");
        FluentActions.Invoking(() => new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), new() { FeatureDimension = 512 }, policy))
            .Should().Throw<ArgumentException>().WithParameterName("featurizer");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public void A_policy_with_a_different_arm_count_is_rejected_and_untouched()
    {
        using var policy = TrainedPolicy(arms: 3);
        var before = policy.ExportState();

        FluentActions.Invoking(() => new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), policy: policy, featurizer: new HashingFeaturizer(D)))
            .Should().Throw<ArgumentException>().WithParameterName("policy").WithMessage("*3 arms*router has 2*");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Theory]
    [InlineData("CostWeight")]
    [InlineData("CostReferenceUsd")]
    [InlineData("LinUcb:Alpha")]
    [InlineData("EpsilonGreedy:Epsilon")]
    [InlineData("ThompsonSampling:PosteriorScale")]
    [InlineData("LinUcb:Regularization")]
    [InlineData("FeatureDimension")]
    [InlineData("MaxPendingDecisions")]
    [InlineData("PendingDecisionLifetime")]
    [InlineData("Policy")]
    public void Invalid_options_are_rejected_naming_the_option(string option)
    {
        var options = new MetaLlmRouterOptions();
        switch (option)
        {
            case "CostWeight": options.CostWeight = -0.1; break;
            case "CostReferenceUsd": options.CostReferenceUsd = 0m; break;
            case "LinUcb:Alpha": options.LinUcb.Alpha = double.NaN; break;
            case "EpsilonGreedy:Epsilon": options.Policy = RoutingPolicyKind.EpsilonGreedy; options.EpsilonGreedy.Epsilon = 1.5; break;
            case "ThompsonSampling:PosteriorScale": options.Policy = RoutingPolicyKind.ThompsonSampling; options.ThompsonSampling.PosteriorScale = -1; break;
            case "LinUcb:Regularization": options.LinUcb.Regularization = 0; break;
            case "FeatureDimension": options.FeatureDimension = 1; break;
            case "MaxPendingDecisions": options.MaxPendingDecisions = 0; break;
            case "PendingDecisionLifetime": options.PendingDecisionLifetime = TimeSpan.Zero; break;
            default: options.Policy = (RoutingPolicyKind)42; break;
        }

        options.GetValidationErrors().Should().ContainSingle().Which.Should().StartWith(option);
        FluentActions.Invoking(() => new MetaLlmRouter(Answering(1, 1, Price(1, 1)), options))
            .Should().Throw<ArgumentException>().WithParameterName("options").WithMessage($"*{option}*");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    public async Task A_score_that_is_not_in_zero_to_one_is_rejected_and_the_decision_stays_open(double score)
    {
        using var policy = TrainedPolicy(arms: 2);
        using var router = Router(policy);
        var response = await router.GetResponseAsync(Ask("q"));
        var before = policy.ExportState();

        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, score))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(score)).WithMessage("*between 0 and 1*");

        policy.ExportState().ShouldBeSameStateAs(before);
        router.RecordFeedback(response.GetDecisionId()!, 1.0).Score.Should().Be(1.0);
    }

    [Fact]
    public void An_unknown_or_empty_decision_id_is_rejected()
    {
        using var policy = TrainedPolicy(arms: 2);
        using var router = Router(policy);
        var before = policy.ExportState();

        router.Invoking(r => r.RecordFeedback("no-such-decision", 1)).Should().Throw<ArgumentException>().WithParameterName("decisionId").WithMessage("*'no-such-decision' is unknown*");
        router.Invoking(r => r.RecordFeedback("", 1)).Should().Throw<ArgumentException>().WithParameterName("decisionId");
        router.Invoking(r => r.RecordFeedback(null!, 1)).Should().Throw<ArgumentNullException>().WithParameterName("decisionId");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task A_decision_id_from_another_router_is_unknown()
    {
        using var policy = TrainedPolicy(arms: 2);
        using var router = Router(policy);
        using var other = new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), new() { FeatureDimension = D });
        var foreign = await other.GetResponseAsync(Ask("q"));
        var before = policy.ExportState();

        router.Invoking(r => r.RecordFeedback(foreign.GetDecisionId()!, 1)).Should().Throw<ArgumentException>().WithMessage("*unknown*");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task An_already_used_decision_id_is_rejected_and_learned_from_only_once()
    {
        using var policy = TrainedPolicy(arms: 2);
        using var router = Router(policy);
        var response = await router.GetResponseAsync(Ask("q"));
        router.RecordFeedback(response.GetDecisionId()!, 0.5);
        var after = policy.ExportState();

        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 0.5)).Should().Throw<InvalidOperationException>().WithMessage("*already has feedback*");
        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 0.9, new UsageDetails { InputTokenCount = 1 })).Should().Throw<InvalidOperationException>();

        policy.ExportState().ShouldBeSameStateAs(after);
    }

    [Fact]
    public async Task An_expired_decision_id_is_rejected_as_expired()
    {
        var time = new FakeTimeProvider();
        using var policy = TrainedPolicy(arms: 2);
        using var router = new MetaLlmRouter(Answering(5, 5, Price(1, 1), Price(2, 2)), new() { PendingDecisionLifetime = TimeSpan.FromMinutes(10) }, policy, new HashingFeaturizer(D), time);
        var late = await router.GetResponseAsync(Ask("late"));
        var onTime = await router.GetResponseAsync(Ask("on time"));
        var before = policy.ExportState();

        time.Advance(TimeSpan.FromMinutes(9));
        router.RecordFeedback(onTime.GetDecisionId()!, 1);
        var afterOnTime = policy.ExportState();
        afterOnTime.ShouldDifferFrom(before);
        time.Advance(TimeSpan.FromMinutes(2));

        router.Invoking(r => r.RecordFeedback(late.GetDecisionId()!, 1)).Should().Throw<ArgumentException>().WithParameterName("decisionId").WithMessage("*expired*00:10:00*");
        policy.ExportState().ShouldBeSameStateAs(afterOnTime);
    }

    [Fact]
    public async Task A_decision_dropped_at_capacity_is_rejected_and_the_store_stays_bounded()
    {
        using var policy = TrainedPolicy(arms: 2);
        using var router = new MetaLlmRouter(Answering(5, 5, Price(1, 1), Price(2, 2)), new() { MaxPendingDecisions = 3 }, policy, new HashingFeaturizer(D));
        var responses = new List<ChatResponse>();
        for (int i = 0; i < 5; i++)
        {
            responses.Add(await router.GetResponseAsync(Ask($"q{i}")));
            router.PendingDecisionCount.Should().BeLessThanOrEqualTo(3);
        }

        var before = policy.ExportState();

        router.Invoking(r => r.RecordFeedback(responses[0].GetDecisionId()!, 1)).Should().Throw<ArgumentException>().WithMessage("*unknown*more than 3 decisions*");
        router.Invoking(r => r.RecordFeedback(responses[1].GetDecisionId()!, 1)).Should().Throw<ArgumentException>();
        policy.ExportState().ShouldBeSameStateAs(before);
        router.RecordFeedback(responses[4].GetDecisionId()!, 1).Should().NotBeNull("the newest decisions are kept");
    }

    [Fact]
    public async Task Usage_with_negative_counts_is_rejected_and_the_decision_stays_open()
    {
        using var policy = TrainedPolicy(arms: 2);
        using var router = Router(policy);
        var response = await router.GetResponseAsync(Ask("q"));
        var before = policy.ExportState();

        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1, new UsageDetails { InputTokenCount = -1 })).Should().Throw<ArgumentOutOfRangeException>();

        policy.ExportState().ShouldBeSameStateAs(before);
        router.RecordFeedback(response.GetDecisionId()!, 1).Should().NotBeNull();
    }

    [Fact]
    public async Task Empty_or_null_messages_are_rejected_without_calling_an_arm_or_deciding()
    {
        var arms = Answering(1, 1, Price(1, 1), Price(2, 2));
        using var policy = TrainedPolicy(arms: 2);
        using var router = new MetaLlmRouter(arms, policy: policy, featurizer: new HashingFeaturizer(D));
        var before = policy.ExportState();

        await router.Invoking(r => r.GetResponseAsync([])).Should().ThrowAsync<ArgumentException>().WithParameterName("messages").WithMessage("*no messages*");
        await router.Invoking(r => r.RouteAsync([])).Should().ThrowAsync<ArgumentException>().WithParameterName("messages");
        await router.Invoking(r => RouterStreamingTests.ToListAsync(r.GetStreamingResponseAsync([]))).Should().ThrowAsync<ArgumentException>().WithParameterName("messages");
        await router.Invoking(r => r.GetResponseAsync(null!)).Should().ThrowAsync<ArgumentNullException>().WithParameterName("messages");

        arms.Should().OnlyContain(a => ((TestChatClient)a.Client).CallCount == 0);
        router.PendingDecisionCount.Should().Be(0);
        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task A_disposed_router_refuses_everything()
    {
        using var policy = TrainedPolicy(arms: 2);
        var router = Router(policy);
        var response = await router.GetResponseAsync(Ask("q"));
        var before = policy.ExportState();
        router.Dispose();

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ObjectDisposedException>();
        await router.Invoking(r => RouterStreamingTests.ToListAsync(r.GetStreamingResponseAsync(Ask("q")))).Should().ThrowAsync<ObjectDisposedException>();
        await router.Invoking(r => r.RouteAsync(Ask("q"))).Should().ThrowAsync<ObjectDisposedException>();
        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1)).Should().Throw<ObjectDisposedException>();
        await router.Invoking(r => r.WarmStartAsync(WarmStartTests.Examples(new TopicPrompts(1), 1))).Should().ThrowAsync<ObjectDisposedException>();

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task An_arm_that_throws_propagates_its_exception_and_feedback_on_its_decision_says_the_arm_failed()
    {
        var failure = new HttpRequestException("model unavailable");
        var broken = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw failure };
        using var policy = TrainedPolicy(arms: 1);
        var logs = new RecordingLoggerFactory();
        using var router = new MetaLlmRouter([new RouterArm("broken", broken, Price(1, 1))], policy: policy, featurizer: new HashingFeaturizer(D), loggerFactory: logs);
        var before = policy.ExportState();

        // A transient failure with no other arm to try: the typed exception names the attempt and carries the arm's.
        var thrown = (await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>()).Which;
        thrown.InnerException.Should().BeSameAs(failure);
        thrown.Attempts.Should().ContainSingle().Which.Should().Be(thrown.Attempts[0] with { ArmName = "broken", Outcome = ArmAttemptOutcome.FailedTransiently, ErrorKind = nameof(HttpRequestException) });

        // The caller never saw the decision id, but someone reading the logs did: feedback on it says what happened.
        string id = logs.RoutedDecisionIds.Should().ContainSingle().Subject;
        router.Invoking(r => r.RecordFeedback(id, 1, new UsageDetails { InputTokenCount = 1 })).Should().Throw<InvalidOperationException>().WithMessage("*its arm 'broken' failed*");
        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task An_arm_that_returns_null_is_reported()
    {
        var broken = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult<ChatResponse>(null!) };
        var logs = new RecordingLoggerFactory();
        using var router = new MetaLlmRouter([new RouterArm("silent", broken, Price(1, 1))], new() { FeatureDimension = D }, loggerFactory: logs);

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<InvalidOperationException>().WithMessage("*'silent' returned no response*");
        router.Invoking(r => r.RecordFeedback(logs.RoutedDecisionIds.Single(), 1, new UsageDetails { InputTokenCount = 1 })).Should().Throw<InvalidOperationException>().WithMessage("*'silent' failed*");
    }

    [Fact]
    public async Task A_stream_that_throws_midway_propagates_and_feedback_on_its_decision_says_the_arm_failed()
    {
        var failure = new IOException("connection reset");
        var broken = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => FailingStream(failure, token) };
        using var policy = TrainedPolicy(arms: 1);
        using var router = new MetaLlmRouter([new RouterArm("broken", broken, Price(1, 1))], policy: policy, featurizer: new HashingFeaturizer(D));
        var before = policy.ExportState();
        var received = new List<ChatResponseUpdate>();

        var act = async () =>
        {
            await foreach (var update in router.GetStreamingResponseAsync(Ask("q")))
            {
                received.Add(update);
            }
        };

        (await act.Should().ThrowAsync<IOException>()).Which.Should().BeSameAs(failure);
        received.Should().ContainSingle();
        string id = (string)received[0].AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;
        router.Invoking(r => r.RecordFeedback(id, 1, new UsageDetails { InputTokenCount = 1 })).Should().Throw<InvalidOperationException>()
            .WithMessage($"Decision '{id}' has no answer to learn from: its arm 'broken' failed.");
        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task A_streaming_arm_that_throws_before_streaming_is_reported_the_same_way()
    {
        var broken = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => throw new InvalidOperationException("no stream") };
        var logs = new RecordingLoggerFactory();
        using var router = new MetaLlmRouter([new RouterArm("broken", broken, Price(1, 1))], new() { FeatureDimension = D }, loggerFactory: logs);

        await router.Invoking(r => RouterStreamingTests.ToListAsync(r.GetStreamingResponseAsync(Ask("q")))).Should().ThrowAsync<InvalidOperationException>().WithMessage("no stream");
        router.Invoking(r => r.RecordFeedback(logs.RoutedDecisionIds.Single(), 1, new UsageDetails { InputTokenCount = 1 })).Should().Throw<InvalidOperationException>().WithMessage("*'broken' failed*");
    }

    [Fact]
    public async Task A_featurizer_that_writes_non_finite_values_is_reported()
    {
        var featurizer = new NonFiniteFeaturizer();
        using var policy = TrainedPolicy(arms: 1);
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1)), policy: policy, featurizer: featurizer);
        var before = policy.ExportState();

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<InvalidOperationException>().WithMessage("*'broken'*non-finite*");
        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task A_policy_that_chooses_a_missing_arm_is_reported()
    {
        var policy = new ScriptedPolicy(2, D) { ChooseArm = _ => 7 };
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), policy: policy, featurizer: new HashingFeaturizer(D));

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<InvalidOperationException>().WithMessage("*chose arm 7*2 eligible arms*");
        router.PendingDecisionCount.Should().Be(0);
    }

    [Fact]
    public async Task Warm_start_examples_missing_an_arm_are_rejected_before_anything_is_learned()
    {
        using var router = WarmRouter(out var policy, costReference: null);
        var before = policy.ExportState();

        await router.Invoking(r => r.WarmStartAsync([Valid(), Example(("arm0", new ArmOutcome(1, Usage())))]))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*example 1 has no outcome for arm 'arm1'*");

        policy.ExportState().ShouldBeSameStateAs(before, "the valid first example must not be learned either");
    }

    [Fact]
    public async Task Warm_start_examples_naming_an_unknown_arm_are_rejected()
    {
        using var router = WarmRouter(out var policy, costReference: null);
        var before = policy.ExportState();

        await router.Invoking(r => r.WarmStartAsync([Example(("arm0", new ArmOutcome(1, Usage())), ("arm1", new ArmOutcome(1, Usage())), ("gpt-9", new ArmOutcome(1, Usage())))]))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*'gpt-9', which is not an arm*");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public async Task Warm_start_scores_outside_zero_to_one_are_rejected(double score)
    {
        using var router = WarmRouter(out var policy, costReference: null);
        var before = policy.ExportState();

        await router.Invoking(r => r.WarmStartAsync([Valid(), Example(("arm0", new ArmOutcome(0.5, Usage())), ("arm1", new ArmOutcome(score, Usage())))]))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*example 1 gives arm 'arm1' the score*between 0 and 1*");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task Warm_start_costs_in_dollars_for_an_arm_without_an_output_price_are_rejected()
    {
        var free = new TestChatClient();
        using var policy = new LinUcbPolicy(2, D);
        using var router = new MetaLlmRouter([new RouterArm("arm0", free, Price(0, 0)), new RouterArm("arm1", free, Price(1, 1))], policy: policy, featurizer: new HashingFeaturizer(D));
        var before = policy.ExportState();

        // A dollar cost is learned as the output tokens it buys at the arm's output price; at a price of zero it buys none.
        await router.Invoking(r => r.WarmStartAsync([Example(("arm0", new ArmOutcome(1, CostUsd: 0.01m)), ("arm1", new ArmOutcome(1, CostUsd: 0.02m)))]))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*'arm0'*output price is zero*");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task Warm_start_outcomes_without_a_cost_or_with_a_negative_one_are_rejected()
    {
        using var router = WarmRouter(out var policy, costReference: 0.01m);
        var before = policy.ExportState();

        await router.Invoking(r => r.WarmStartAsync([Example(("arm0", new ArmOutcome(1)), ("arm1", new ArmOutcome(1, Usage())))]))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*arm 'arm0' neither usage nor cost*");
        await router.Invoking(r => r.WarmStartAsync([Example(("arm0", new ArmOutcome(1, CostUsd: -1m)), ("arm1", new ArmOutcome(1, Usage())))]))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*negative cost*");

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task Warm_start_examples_that_are_null_or_empty_are_rejected()
    {
        using var router = WarmRouter(out var policy, costReference: null);
        var before = policy.ExportState();
        var outcomes = new Dictionary<string, ArmOutcome> { ["arm0"] = new(1, Usage()), ["arm1"] = new(1, Usage()) };

        await router.Invoking(r => r.WarmStartAsync([Valid(), null!])).Should().ThrowAsync<ArgumentException>().WithMessage("*example 1 is null*");
        await router.Invoking(r => r.WarmStartAsync([new WarmStartExample(Array.Empty<ChatMessage>(), outcomes)])).Should().ThrowAsync<ArgumentException>().WithMessage("*example 0 has no messages*");
        await router.Invoking(r => r.WarmStartAsync(null!)).Should().ThrowAsync<ArgumentNullException>();

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    private static LinUcbPolicy TrainedPolicy(int arms)
    {
        // Some learned state, so "unchanged" is a real comparison and not zeros against zeros.
        var policy = new LinUcbPolicy(arms, D, new() { Seed = 1 });
        var featurizer = new HashingFeaturizer(D);
        var x = new float[D];
        for (int i = 0; i < 10; i++)
        {
            featurizer.Featurize($"training question {i}", x);
            policy.Update(i % arms, x, 0.1 * i);
        }

        return policy;
    }

    private static MetaLlmRouter Router(IRoutingPolicy policy) =>
        new(Answering(5, 5, Price(1, 1), Price(2, 2)), policy: policy, featurizer: new HashingFeaturizer(D));

    private static MetaLlmRouter WarmRouter(out LinUcbPolicy policy, decimal? costReference)
    {
        policy = TrainedPolicy(arms: 2);
        return new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), new() { CostReferenceUsd = costReference }, policy, new HashingFeaturizer(D));
    }

    private static UsageDetails Usage() => new() { InputTokenCount = 10, OutputTokenCount = 10 };

    private static WarmStartExample Valid() => Example(("arm0", new ArmOutcome(1, Usage())), ("arm1", new ArmOutcome(0, Usage())));

    private static WarmStartExample Example(params (string Arm, ArmOutcome Outcome)[] outcomes) =>
        new("a question", outcomes.ToDictionary(o => o.Arm, o => o.Outcome));

    private static async IAsyncEnumerable<ChatResponseUpdate> FailingStream(Exception failure, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "partial");
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        throw failure;
    }

    private sealed class NonFiniteFeaturizer : IRequestFeaturizer
    {
        public int Dimension => D;

        public string Name => "broken";

        public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
        {
            destination.Span.Fill(float.NaN);
            return ValueTask.CompletedTask;
        }
    }
}
