using System.Text.Json;
using MetaLlm.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class DecisionLogTests
{
    private const string Prompt = "Summarise the confidential merger memo for Project Bluebird";

    private static RouterArm[] ThreeArms() =>
    [
        new("cheap", TestChatClient.Answering("answer", 1000, 500), Price(1m, 2m)),
        new("dear", TestChatClient.Answering("answer", 1000, 500), Price(10m, 30m)),
        new("no-tools", TestChatClient.Answering("answer", 1000, 500), Price(3m, 6m)) { Capabilities = new ArmCapabilities { SupportsTools = false } },
    ];

    private static MetaLlmRouterOptions EpsilonGreedy(IDecisionLog? log) => new()
    {
        Policy = RoutingPolicyKind.EpsilonGreedy,
        EpsilonGreedy = { Epsilon = 0.3, Seed = 42 },
        FeatureDimension = 16,
        CostWeight = 0.4,
        DecisionLog = log,
    };

    [Fact]
    public async Task Feedback_appends_the_decision_with_its_features_eligibility_propensity_outcome_and_lambda_at_decision()
    {
        var log = new InMemoryDecisionLog();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        using var router = new MetaLlmRouter(ThreeArms(), EpsilonGreedy(log), timeProvider: time);
        var messages = Ask(Prompt);
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 42, "answer")] };

        var decision = await router.RouteAsync(messages, options);
        time.Advance(TimeSpan.FromSeconds(5));
        router.CostWeight = 0.9;
        log.Count.Should().Be(0, "a decision is logged when its score and cost are known");
        var feedback = router.RecordFeedback(decision.DecisionId, 0.75, new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 500 });

        var logged = log.GetDecisions().Should().ContainSingle().Subject;
        var features = new float[16];
        await router.Featurizer.FeaturizeAsync(messages, options, features, default);
        logged.DecisionId.Should().Be(decision.DecisionId);
        logged.Timestamp.Should().Be(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), "the time is the decision's");
        logged.PolicyName.Should().Be("epsilon-greedy");
        logged.ArmNames.Should().Equal("cheap", "dear", "no-tools");
        logged.Features.ToArray().Should().Equal(features);
        logged.EstimatedInputTokens.Should().Be(InputTokenEstimate.FromRequest(messages, options));
        logged.Eligible.ToArray().Should().Equal(true, true, false);
        logged.ArmIndex.Should().Be(decision.ArmIndex);
        logged.ArmName.Should().Be(decision.Arm.Name);
        logged.AnsweredArmIndex.Should().Be(decision.ArmIndex);
        logged.FailedOver.Should().BeFalse();
        logged.Propensity.Should().Be(decision.Propensity);
        logged.Propensity.Should().BeOneOf([0.7 + 0.15, 0.15], "ε = 0.3 is spread over the two eligible arms");
        logged.Score.Should().Be(0.75);
        logged.NormalizedCost.Should().Be(feedback.NormalizedCost);
        logged.CostUsd.Should().Be(feedback.CostUsd);
        logged.CostWeight.Should().Be(0.4, "λ is the one the decision was made with, not the one at feedback");
        logged.Reward.Should().BeApproximately(0.75 - (0.4 * feedback.NormalizedCost), 1e-15);
    }

    [Fact]
    public async Task The_log_holds_no_prompt_or_response_text()
    {
        var log = new InMemoryDecisionLog();
        using var router = new MetaLlmRouter(ThreeArms(), EpsilonGreedy(log));
        var response = await router.GetResponseAsync(Ask(Prompt));
        router.RecordFeedback(response.GetDecisionId()!, 1);

        var json = JsonSerializer.Serialize(log.GetDecisions());

        json.Should().NotContain("Bluebird").And.NotContain("merger").And.NotContain("answer");
        log.GetDecisions().Single().ArmName.Should().Be(response.GetArmName());
    }

    [Fact]
    public async Task Decisions_without_feedback_are_not_logged_and_each_decision_is_logged_once()
    {
        var log = new InMemoryDecisionLog();
        using var router = new MetaLlmRouter(ThreeArms(), EpsilonGreedy(log));
        var first = await router.GetResponseAsync(Ask("one"));
        await router.GetResponseAsync(Ask("two"));

        router.RecordFeedback(first.GetDecisionId()!, 0.5);
        router.Invoking(r => r.RecordFeedback(first.GetDecisionId()!, 0.5)).Should().Throw<InvalidOperationException>();
        router.Invoking(r => r.RecordFeedback(first.GetDecisionId()!, 2)).Should().Throw<ArgumentOutOfRangeException>();

        log.GetDecisions().Select(d => d.DecisionId).Should().Equal(first.GetDecisionId());
    }

    [Fact]
    public async Task A_throwing_log_does_not_break_feedback_which_is_learned_once_and_logged_as_a_warning()
    {
        var log = Substitute.For<IDecisionLog>();
        log.When(l => l.Append(Arg.Any<LoggedDecision>())).Do(_ => throw new IOException("disk full at /var/secret"));
        var logs = new RecordingLoggerFactory();
        using var router = new MetaLlmRouter(ThreeArms(), EpsilonGreedy(log), loggerFactory: logs);
        var response = await router.GetResponseAsync(Ask(Prompt));

        var feedback = router.RecordFeedback(response.GetDecisionId()!, 0.9);

        feedback.Score.Should().Be(0.9);
        router.CreateSnapshot().FeedbackCount.Should().Be(1, "the policy learned before the log was written");
        log.Received(1).Append(Arg.Any<LoggedDecision>());
        var warning = logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("System.IO.IOException").And.Contain(response.GetDecisionId()).And.NotContain("disk full");
        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 0.9)).Should().Throw<InvalidOperationException>().WithMessage("*already has feedback*");
    }

    [Fact]
    public async Task A_request_that_failed_over_logs_the_chosen_arm_with_its_propensity_and_the_arm_that_answered()
    {
        var log = new InMemoryDecisionLog();
        var broken = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new HttpRequestException("boom", null, System.Net.HttpStatusCode.ServiceUnavailable) };
        var policy = new ScriptedPolicy(2, 8) { ChooseArm = _ => 0, Propensity = 0.6 };
        RouterArm[] arms = [new("broken", broken, Price(1m, 2m)), new("backup", TestChatClient.Answering("ok", 10, 5), Price(1m, 2m))];
        using var router = new MetaLlmRouter(arms, new() { DecisionLog = log, CostWeight = 0.1 }, policy, new HashingFeaturizer(8));

        var response = await router.GetResponseAsync(Ask("q"));
        router.RecordFeedback(response.GetDecisionId()!, 0.5);

        var logged = log.GetDecisions().Should().ContainSingle().Subject;
        logged.ArmIndex.Should().Be(0);
        logged.Propensity.Should().Be(0.6);
        logged.AnsweredArmIndex.Should().Be(1);
        logged.FailedOver.Should().BeTrue();
        logged.PolicyName.Should().Be("scripted");
    }

    [Fact]
    public async Task UseDecisionLog_gives_the_router_built_by_dependency_injection_its_log()
    {
        var log = new InMemoryDecisionLog();
        var services = new ServiceCollection();
        services.AddSingleton(log);
        services.AddMetaLlmRouter(b => b
            .AddArm("only", TestChatClient.Answering("hi", 10, 5), Price(1, 2))
            .Configure(o => o.FeatureDimension = 16)
            .UseDecisionLog(sp => sp.GetRequiredService<InMemoryDecisionLog>()));
        using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<MetaLlmRouter>();

        var response = await router.GetResponseAsync(Ask("hello"));
        router.RecordFeedback(response.GetDecisionId()!, 1);

        log.GetDecisions().Should().ContainSingle().Which.PolicyName.Should().Be("linucb");
        log.GetDecisions()[0].Propensity.Should().Be(1, "greedy LinUCB logs propensity 1");
    }

    [Fact]
    public async Task A_log_of_an_epsilon_greedy_router_evaluates_a_frozen_copy_of_its_policy()
    {
        var log = new InMemoryDecisionLog();
        var arms = ThreeArms();
        using var router = new MetaLlmRouter(arms, EpsilonGreedy(log));
        string[] topics = ["tax law", "python code", "poetry", "chemistry"];
        for (int i = 0; i < 200; i++)
        {
            var response = await router.GetResponseAsync(Ask($"question {i} about {topics[i % 4]}"));
            router.RecordFeedback(response.GetDecisionId()!, response.GetArmName() == "dear" ? 0.9 : 0.6);
        }

        // A frozen copy: a fresh policy that imports what the router learned, and learns nothing more.
        var frozen = new EpsilonGreedyPolicy(3, 16, new EpsilonGreedyPolicyOptions { Epsilon = 0.3, Seed = 1 });
        frozen.ImportStatistics(router.Policy.ExportStatistics());
        var candidate = new RoutingPolicyCandidate(frozen, arms, costWeight: 0.4);
        var decisions = log.GetDecisions();

        var ips = OffPolicyEvaluator.EvaluateInversePropensity(decisions, candidate);
        var dr = OffPolicyEvaluator.EvaluateDoublyRobust(decisions, candidate, RidgeOutcomeModel.Fit(decisions));

        ips.Count.Should().Be(200);
        ips.UnsupportedCount.Should().Be(0);
        dr.Score.Lower.Should().BeLessThan(dr.Score.Upper);
        dr.Score.Estimate.Should().BeInRange(0.5, 1.0);
    }

    [Fact]
    public async Task A_fitted_policy_predicts_outcomes_as_the_router_estimated_them_at_decision_time()
    {
        var log = new InMemoryDecisionLog();
        var arms = ThreeArms();
        using var router = new MetaLlmRouter(arms, EpsilonGreedy(log));
        for (int i = 0; i < 30; i++)
        {
            var response = await router.GetResponseAsync(Ask($"warm-up question {i}"));
            router.RecordFeedback(response.GetDecisionId()!, i % 2);
        }

        var frozen = new EpsilonGreedyPolicy(3, 16, new EpsilonGreedyPolicyOptions { Epsilon = 0.3 });
        frozen.ImportStatistics(router.Policy.ExportStatistics());
        var decision = await router.RouteAsync(Ask(Prompt));
        router.RecordFeedback(decision.DecisionId, 0.5, new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 500 });
        var scores = new double[3];
        var costs = new double[3];

        new RoutingPolicyOutcomeModel(frozen, arms).Predict(log.GetDecisions()[^1], scores, costs);

        for (int a = 0; a < 3; a++)
        {
            scores[a].Should().BeApproximately(decision.Estimates[a].PredictedScore, 1e-9);
            costs[a].Should().BeApproximately(decision.Estimates[a].CostTerm / 0.4, 1e-9, "the cost term is λ times the normalised predicted cost");
        }

        var dr = OffPolicyEvaluator.EvaluateDoublyRobust(log.GetDecisions(), new RoutingPolicyCandidate(frozen, arms, 0.4), new RoutingPolicyOutcomeModel(frozen, arms));
        dr.Count.Should().Be(31);
        FluentActions.Invoking(() => new RoutingPolicyOutcomeModel(frozen, arms.Take(2))).Should().Throw<ArgumentException>().WithParameterName("arms");
    }

    [Fact]
    public void The_in_memory_log_keeps_the_newest_decisions_up_to_its_capacity()
    {
        var log = new InMemoryDecisionLog(capacity: 3);
        for (int i = 0; i < 5; i++)
        {
            log.Append(Decision("d" + i));
        }

        log.Capacity.Should().Be(3);
        log.Count.Should().Be(3);
        log.DroppedCount.Should().Be(2);
        log.GetDecisions().Select(d => d.DecisionId).Should().Equal("d2", "d3", "d4");
        log.Clear();
        log.Count.Should().Be(0);
        log.GetDecisions().Should().BeEmpty();
        log.Append(Decision("d5"));
        log.GetDecisions().Select(d => d.DecisionId).Should().Equal("d5");
        log.Invoking(l => l.Append(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new InMemoryDecisionLog(0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task The_in_memory_log_takes_appends_from_many_threads()
    {
        var log = new InMemoryDecisionLog(capacity: 1000);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                log.Append(Decision($"{t}-{i}"));
            }
        })));

        log.Count.Should().Be(1000);
        log.DroppedCount.Should().Be(3000);
        log.GetDecisions().Select(d => d.DecisionId).Should().OnlyHaveUniqueItems();
    }

    internal static LoggedDecision Decision(string id) => new()
    {
        DecisionId = id,
        PolicyName = "test",
        ArmNames = ["a", "b"],
        Features = new float[] { 1, 0 },
        ArmIndex = 0,
        Propensity = 0.5,
        Score = 1,
        NormalizedCost = 0.1,
    };
}
