using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class WarmStartTests
{
    private const int Dimension = 128;

    [Fact]
    public async Task Warm_start_teaches_the_policy_and_then_each_topic_goes_to_its_best_arm()
    {
        using var router = NewRouter(exploration: 0);
        var policy = (LinearBanditPolicy)router.Policy;
        var untrained = policy.ExportState();
        var examples = Examples(new TopicPrompts(seed: 1), perTopic: 80);

        var learned = await router.WarmStartAsync(examples);

        learned.ExampleCount.Should().Be(320);
        policy.ExportState().ShouldDifferFrom(untrained);
        Enumerable.Range(0, 4).Select(policy.GetObservationCount).Should().OnlyContain(n => n == 320, "every arm learns from every full-information example");

        // Fresh prompts, never seen in training.
        var prompts = new TopicPrompts(seed: 99);
        for (int topic = 0; topic < TopicPrompts.TopicCount; topic++)
        {
            for (int i = 0; i < 25; i++)
            {
                var decision = await router.RouteAsync(Ask(prompts.Next(topic)));
                decision.ArmIndex.Should().Be(BestArm(topic), $"{TopicPrompts.TopicName(topic)} questions belong to arm {BestArm(topic)}");
            }
        }
    }

    [Fact]
    public async Task Warm_start_fits_each_arm_s_score_and_output_tokens_to_their_closed_form_solutions()
    {
        using var router = NewRouter(exploration: 0.5, costWeight: 0.3);
        var examples = Examples(new TopicPrompts(seed: 2), perTopic: 10);

        var result = await router.WarmStartAsync(examples);

        var contexts = new List<double[]>();
        foreach (var example in examples)
        {
            var x = new float[Dimension];
            await router.Featurizer.FeaturizeAsync(example.Messages, null, x);
            contexts.Add(ClosedFormRidge.Widen(x));
        }

        var policy = (LinearBanditPolicy)router.Policy;
        for (int arm = 0; arm < 4; arm++)
        {
            // The score and the output tokens are learned apart, on one matrix; λ is applied when deciding.
            var scores = examples.Select(e => e.Outcomes[$"arm{arm}"].Score).ToList();
            var outputs = examples.Select(e => (double)e.Outcomes[$"arm{arm}"].Usage!.OutputTokenCount!.Value).ToList();
            double penalty = result.Penalties[$"arm{arm}"];
            policy.GetRegularization(arm).Should().Be(penalty);
            policy.GetScoreWeights(arm).ShouldBeCloseTo(new ClosedFormRidge(contexts, scores, Dimension, penalty).Weights, 1e-9, $"θ_score of arm {arm}");
            var statistics = policy.ExportStatistics()[arm];
            statistics.OutputTokenTargets.ShouldBeCloseTo(new ClosedFormRidge(contexts, outputs, Dimension, penalty).Targets, 1e-9, $"Σ outputTokens·x of arm {arm}");
            statistics.InputTokens.Should().Be(300.0 * examples.Count);
            statistics.EstimatedInputTokens.Should().Be(examples.Sum(e => InputTokenEstimate.FromRequest(e.Messages)));
        }
    }

    [Fact]
    public async Task Costs_given_in_dollars_are_learned_as_the_output_tokens_they_buy()
    {
        var policy = new LinUcbPolicy(2, 16);
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), new() { CostWeight = 0.5, CostReferenceUsd = 0.02m }, policy, new HashingFeaturizer(16));
        var example = new WarmStartExample("what is a monad?", new Dictionary<string, ArmOutcome>
        {
            ["arm0"] = new(0.6, CostUsd: 0.01m),
            ["arm1"] = new(0.9, CostUsd: 0.04m),
        });

        await router.WarmStartAsync([example]);

        var x = new float[16];
        await router.Featurizer.FeaturizeAsync(example.Messages, null, x);
        var xs = new List<double[]> { ClosedFormRidge.Widen(x) };
        policy.GetScoreWeights(0).ShouldBeCloseTo(new ClosedFormRidge(xs, [0.6], 16, 1.0).Weights, 1e-12, "θ_score of arm0");
        policy.ExportStatistics()[0].OutputTokens.Should().Be(10_000, "$0.01 at $1 per million output tokens");
        policy.ExportStatistics()[1].OutputTokens.Should().Be(20_000, "$0.04 at $2 per million output tokens");
        router.EvaluateOutcome("arm1", example.Outcomes["arm1"]).Should().Be(new ArmReward(0.04m, 2.0, 0.9 - (0.5 * 2.0)), "the reward of a dollar cost is normalised by the cost reference");
    }

    [Fact]
    public async Task Online_feedback_keeps_learning_after_warm_start()
    {
        using var router = NewRouter(exploration: 0);
        await router.WarmStartAsync(Examples(new TopicPrompts(seed: 3), perTopic: 5));
        var policy = (LinearBanditPolicy)router.Policy;

        var response = await router.GetResponseAsync(Ask("please explain the integral and matrix theorem?"));
        router.RecordFeedback(response.GetDecisionId()!, 1.0);

        Enumerable.Range(0, 4).Sum(policy.GetObservationCount).Should().Be((4 * 20) + 1);
    }

    [Fact]
    public async Task Warm_starting_on_nothing_learns_nothing()
    {
        using var router = NewRouter(exploration: 0);
        var before = ((LinearBanditPolicy)router.Policy).ExportState();

        (await router.WarmStartAsync([])).ExampleCount.Should().Be(0);

        ((LinearBanditPolicy)router.Policy).ExportState().ShouldBeSameStateAs(before);
    }

    [Fact]
    public async Task Warm_start_reports_the_penalties_it_chose_and_a_router_restored_from_the_saved_file_keeps_them()
    {
        using var router = NewRouter(exploration: 0);
        var policy = (LinearBanditPolicy)router.Policy;

        var result = await router.WarmStartAsync(Examples(new TopicPrompts(seed: 4), perTopic: 30));

        result.PenaltySelection.Should().NotBeNull();
        result.PenaltySelection!.Selection.Should().Be(RidgePenaltySelection.PerArm);
        result.PenaltySelection.ExampleCount.Should().Be(120);
        result.PenaltySelection.ConfiguredPenalty.Should().Be(0.5);
        result.Penalties.Keys.Should().Equal("arm0", "arm1", "arm2", "arm3");
        result.Penalties.Values.Should().Equal(result.PenaltySelection.Penalties);
        Enumerable.Range(0, 4).Select(policy.GetRegularization).Should().Equal(result.PenaltySelection.Penalties);
        result.PenaltySelection.ValidationErrors.Zip(result.PenaltySelection.ConfiguredValidationErrors).Should().OnlyContain(e => e.First <= e.Second);

        // Saved and loaded by a router configured with another penalty: the chosen ones are learned state.
        var bytes = RouterSnapshotSerializer.Serialize(router.CreateSnapshot());
        using var restored = new MetaLlmRouter(
            Answering(300, 100, Price(1m, 3m), Price(2m, 6m), Price(4m, 12m), Price(8m, 24m)),
            new() { FeatureDimension = Dimension, LinUcb = { Alpha = 0, Regularization = 9, Seed = 8 }, CostWeight = 0.2 });
        restored.RestoreSnapshot(RouterSnapshotSerializer.Deserialize(bytes));

        var restoredPolicy = (LinearBanditPolicy)restored.Policy;
        Enumerable.Range(0, 4).Select(restoredPolicy.GetRegularization).Should().Equal(result.PenaltySelection.Penalties);
        var prompts = new TopicPrompts(seed: 77);
        for (int i = 0; i < 20; i++)
        {
            var request = Ask(prompts.Next(i % TopicPrompts.TopicCount));
            var original = await router.RouteAsync(request);
            var reloaded = await restored.RouteAsync(request);
            reloaded.Estimates.Select(e => e.PredictedScore).Should().Equal(original.Estimates.Select(e => e.PredictedScore), (a, b) => Math.Abs(a - b) < 1e-9);
        }
    }

    [Fact]
    public async Task A_warm_start_too_small_to_cross_validate_keeps_the_configured_penalty_and_says_so()
    {
        using var router = NewRouter(exploration: 0);

        var result = await router.WarmStartAsync(Examples(new TopicPrompts(seed: 5), perTopic: 2));

        result.ExampleCount.Should().Be(8);
        result.PenaltySelection.Should().BeNull();
        result.Penalties.Values.Should().OnlyContain(p => p == 0.5);
        router.CreateSnapshot().Arms.Values.Should().OnlyContain(a => a.Regularization == null, "nothing was chosen");
    }

    internal static int BestArm(int topic) => (topic + 1) % 4;

    /// <summary>Four arms of rising price; each topic's best arm scores 0.9 and the others 0.3, all on the same tokens.</summary>
    internal static MetaLlmRouter NewRouter(double exploration, double costWeight = 0.2) =>
        new(Answering(300, 100, Price(1m, 3m), Price(2m, 6m), Price(4m, 12m), Price(8m, 24m)),
            new() { FeatureDimension = Dimension, LinUcb = { Alpha = exploration, Regularization = 0.5, Seed = 8 }, CostWeight = costWeight });

    internal static List<WarmStartExample> Examples(TopicPrompts prompts, int perTopic)
    {
        var usage = new UsageDetails { InputTokenCount = 300, OutputTokenCount = 100 };
        var examples = new List<WarmStartExample>();
        for (int topic = 0; topic < TopicPrompts.TopicCount; topic++)
        {
            for (int i = 0; i < perTopic; i++)
            {
                var outcomes = Enumerable.Range(0, 4).ToDictionary(arm => $"arm{arm}", arm => new ArmOutcome(arm == BestArm(topic) ? 0.9 : 0.3, usage));
                examples.Add(new WarmStartExample(prompts.Next(topic), outcomes));
            }
        }

        return examples;
    }
}
