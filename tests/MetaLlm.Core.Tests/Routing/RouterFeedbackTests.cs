using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class RouterFeedbackTests
{
    [Fact]
    public async Task The_reward_is_the_score_minus_lambda_times_the_cost_over_the_dearest_arm_s_cost()
    {
        var policy = new ScriptedPolicy(2, 8) { ChooseArm = _ => 0 };
        var arms = Answering(1000, 500, Price(1m, 2m), Price(10m, 30m));
        using var router = new MetaLlmRouter(arms, new() { CostWeight = 0.5 }, policy, new HashingFeaturizer(8));
        var response = await router.GetResponseAsync(Ask("q"));

        var feedback = router.RecordFeedback(response.GetDecisionId()!, 0.9);

        // Cost $0.002; the dearest prices would charge 1000 × $10/M + 500 × $30/M = $0.025 for the same tokens.
        feedback.CostUsd.Should().Be(0.002m);
        feedback.NormalizedCost.Should().BeApproximately(0.08, 1e-15);
        feedback.Reward.Should().BeApproximately(0.9 - (0.5 * 0.08), 1e-15);
        feedback.ArmName.Should().Be("arm0");
        feedback.Score.Should().Be(0.9);
        feedback.DecisionId.Should().Be(response.GetDecisionId());
        policy.Updates.Should().ContainSingle();
        policy.Updates[0].Arm.Should().Be(0);
        policy.Updates[0].Observation.Should().Be(new ArmObservation(0.9, BilledTokens.Uncached(1000, 500), InputTokenEstimate.FromRequest(Ask("q"))), "the policy learns the score and the tokens, never a λ-mixed reward");
        policy.Updates[0].Context.Should().Equal(policy.Decisions.Single(), "the policy learns on the context it decided on");
    }

    [Fact]
    public async Task EvaluateOutcome_prices_an_outcome_exactly_as_feedback_does_and_learns_nothing()
    {
        var policy = new ScriptedPolicy(2, 8) { ChooseArm = _ => 1 };
        var arms = Answering(1000, 500, Price(1m, 2m), Price(10m, 30m));
        using var router = new MetaLlmRouter(arms, new() { CostWeight = 0.5 }, policy, new HashingFeaturizer(8));

        var evaluated = router.EvaluateOutcome("arm1", new ArmOutcome(0.7, new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 500 }));
        policy.Updates.Should().BeEmpty();
        var response = await router.GetResponseAsync(Ask("q"));
        var learned = router.RecordFeedback(response.GetDecisionId()!, 0.7);

        evaluated.Should().Be(new ArmReward(learned.CostUsd, learned.NormalizedCost, learned.Reward));
        router.Invoking(r => r.EvaluateOutcome("ARM1", new ArmOutcome(1, new UsageDetails { InputTokenCount = 1 }))).Should().Throw<ArgumentException>().WithParameterName("armName");
        router.Invoking(r => r.EvaluateOutcome("arm1", new ArmOutcome(2, new UsageDetails { InputTokenCount = 1 }))).Should().Throw<ArgumentException>().WithParameterName("outcome");
        router.EvaluateOutcome("arm1", new ArmOutcome(1, CostUsd: 0.03m)).Should().Be(router.EvaluateOutcome("arm1", new ArmOutcome(1, new UsageDetails { OutputTokenCount = 1000 })), "a dollar cost is priced as the output tokens it buys");
    }

    [Fact]
    public async Task The_cost_ceiling_takes_the_highest_input_and_the_highest_output_price_separately()
    {
        var policy = new ScriptedPolicy(2, 8);
        using var router = new MetaLlmRouter(Answering(1000, 1000, Price(10m, 1m), Price(1m, 10m)), new() { CostWeight = 1 }, policy, new HashingFeaturizer(8));
        var response = await router.GetResponseAsync(Ask("q"));

        var feedback = router.RecordFeedback(response.GetDecisionId()!, 1.0);

        // $0.011 against the ceiling 1000 × $10/M + 1000 × $10/M = $0.020.
        feedback.NormalizedCost.Should().BeApproximately(0.55, 1e-15);
        feedback.Reward.Should().BeApproximately(0.45, 1e-15);
    }

    [Fact]
    public async Task A_cost_reference_replaces_the_ceiling()
    {
        var policy = new ScriptedPolicy(2, 8);
        using var router = new MetaLlmRouter(Answering(1000, 500, Price(1m, 2m), Price(10m, 30m)), new() { CostWeight = 0.25, CostReferenceUsd = 0.01m }, policy, new HashingFeaturizer(8));
        var response = await router.GetResponseAsync(Ask("q"));

        var feedback = router.RecordFeedback(response.GetDecisionId()!, 0.5);

        feedback.NormalizedCost.Should().BeApproximately(0.2, 1e-15);
        feedback.Reward.Should().BeApproximately(0.5 - 0.05, 1e-15);
    }

    [Fact]
    public async Task Free_arms_cost_nothing_and_the_reward_is_the_score()
    {
        var policy = new ScriptedPolicy(1, 8);
        using var router = new MetaLlmRouter(Answering(1000, 500, Price(0m, 0m)), new() { CostWeight = 1 }, policy, new HashingFeaturizer(8));
        var response = await router.GetResponseAsync(Ask("q"));

        var feedback = router.RecordFeedback(response.GetDecisionId()!, 0.6);

        feedback.CostUsd.Should().Be(0m);
        feedback.NormalizedCost.Should().Be(0);
        feedback.Reward.Should().Be(0.6);
    }

    [Fact]
    public async Task Usage_given_with_the_feedback_replaces_the_usage_the_arm_reported()
    {
        var policy = new ScriptedPolicy(1, 8);
        using var router = new MetaLlmRouter(Answering(100, 100, Price(1m, 3m)), policy: policy, featurizer: new HashingFeaturizer(8));
        var response = await router.GetResponseAsync(Ask("q"));

        var feedback = router.RecordFeedback(response.GetDecisionId()!, 1, new UsageDetails { InputTokenCount = 5000, OutputTokenCount = 1000 });

        feedback.CostUsd.Should().Be(0.008m);
    }

    [Fact]
    public async Task RouteAsync_decides_without_calling_a_model_and_feedback_with_usage_teaches_the_policy()
    {
        var arms = Answering(400, 100, Price(1m, 2m), Price(3m, 6m), Price(5m, 10m));
        using var policy = new LinUcbPolicy(3, 32, new() { Alpha = 0.5, Seed = 3 });
        using var router = new MetaLlmRouter(arms, new() { CostWeight = 0 }, policy, new HashingFeaturizer(32));
        var messages = Ask("translate 'good morning' into French");

        var decision = await router.RouteAsync(messages);

        arms.Should().OnlyContain(a => ((TestChatClient)a.Client).CallCount == 0);
        decision.PolicyName.Should().Be("linucb");
        decision.Arms.Should().Equal(router.Arms);
        decision.Arm.Should().BeSameAs(arms[decision.ArmIndex]);
        decision.Propensity.Should().BeApproximately(1.0 / 3, 1e-15, "nothing is learned yet, so all three arms tie");
        decision.Estimates.Should().HaveCount(3).And.OnlyContain(e => e.PredictedScore == 0 && e.Uncertainty > 0 && e.PredictedReward == -e.CostTerm);
        decision.GetEstimate("arm1").Should().Be(decision.Estimates[1]);

        var answer = await decision.Arm.Client.GetResponseAsync(messages);
        var feedback = router.RecordFeedback(decision.DecisionId, 0.8, answer.Usage);

        var context = new float[32];
        await router.Featurizer.FeaturizeAsync(messages, null, context);
        var reference = new ClosedFormRidge([ClosedFormRidge.Widen(context)], [feedback.Score], 32, 1.0);
        policy.GetObservationCount(decision.ArmIndex).Should().Be(1);
        policy.GetWeights(decision.ArmIndex).ShouldBeCloseTo(reference.Weights, 1e-9, "θ of the chosen arm");

        var next = await router.RouteAsync(messages);
        next.GetEstimate(decision.Arm.Name).PredictedScore.Should().BeApproximately(reference.Predict(ClosedFormRidge.Widen(context)), 1e-9);
    }

    [Fact]
    public async Task A_RouteAsync_decision_needs_the_usage_and_stays_open_until_it_is_given()
    {
        using var policy = new LinUcbPolicy(2, 16);
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), policy: policy, featurizer: new HashingFeaturizer(16));
        var decision = await router.RouteAsync(Ask("q"));
        var before = policy.ExportState();

        router.Invoking(r => r.RecordFeedback(decision.DecisionId, 1.0)).Should().Throw<InvalidOperationException>().WithMessage("*cost*unknown*usage*");
        policy.ExportState().ShouldBeSameStateAs(before);

        router.RecordFeedback(decision.DecisionId, 1.0, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 });
        policy.GetObservationCount(decision.ArmIndex).Should().Be(1);
    }

    [Fact]
    public async Task With_equal_answers_the_router_learns_to_prefer_the_cheaper_arm()
    {
        var arms = Answering(800, 200, Price(0.10m, 0.40m), Price(10m, 40m));
        using var router = new MetaLlmRouter(arms, new() { CostWeight = 0.5, FeatureDimension = 32, LinUcb = { Alpha = 0.3, Seed = 5 } });
        var prompts = new TopicPrompts(seed: 5);
        var choices = new List<string>();

        for (int i = 0; i < 300; i++)
        {
            var response = await router.GetResponseAsync(Ask(prompts.Next().Prompt));
            router.RecordFeedback(response.GetDecisionId()!, 0.8);
            choices.Add(response.GetArmName()!);
        }

        choices.TakeLast(100).Count(a => a == "arm0").Should().BeGreaterThan(90, "the same score for a hundredth of the price is the better deal");
    }

    [Fact]
    public async Task Feedback_may_arrive_in_any_order()
    {
        using var policy = new LinUcbPolicy(1, 8);
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1)), policy: policy, featurizer: new HashingFeaturizer(8));
        var first = await router.GetResponseAsync(Ask("a"));
        var second = await router.GetResponseAsync(Ask("b"));

        router.RecordFeedback(second.GetDecisionId()!, 1);
        router.RecordFeedback(first.GetDecisionId()!, 0);

        policy.GetObservationCount(0).Should().Be(2);
    }
}
