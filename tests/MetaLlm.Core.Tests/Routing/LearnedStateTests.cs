using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>
/// The learned state is a value: λ is applied when deciding, snapshots carry everything by arm name, and merged
/// snapshots equal one router fed everything.
/// </summary>
public class LearnedStateTests
{
    private const int D = 12;

    [Fact]
    public async Task Changing_lambda_at_run_time_gives_the_score_estimate_minus_lambda_times_the_cost_estimate()
    {
        using var router = Router(seed: 1, costReference: 0.001m);
        var log = await FeedAsync(router, new TopicPrompts(seed: 4), 60);
        var question = Ask("please explain the matrix and eigenvalue theorem?");
        var x = ClosedFormRidge.Widen(await ContextAsync(router, question));
        double estimatedInput = InputTokenEstimate.FromRequest(question);

        foreach (double lambda in new[] { 0.0, 0.3, 2.5 })
        {
            router.CostWeight = lambda;
            var decision = await router.RouteAsync(question);
            decision.CostWeight.Should().Be(lambda);
            for (int arm = 0; arm < router.Arms.Count; arm++)
            {
                // Closed form on what this arm saw: θ_score and θ_output on the same A = Σ x xᵀ + I.
                var rows = log.Where(e => e.Arm == arm).ToList();
                var contexts = rows.Select(r => ClosedFormRidge.Widen(r.Context)).ToList();
                var score = new ClosedFormRidge(contexts, rows.Select(r => r.Score).ToList(), D, 1.0);
                var output = new ClosedFormRidge(contexts, rows.Select(r => (double)r.Output).ToList(), D, 1.0);
                double inputRatio = (rows.Sum(r => (double)r.Input) + 100) / (rows.Sum(r => r.Estimated) + 100);
                var pricing = router.Arms[arm].Pricing;
                double cost = ((estimatedInput * inputRatio * (double)pricing.InputPerMillionTokens) + (Math.Max(0, output.Predict(x)) * (double)pricing.OutputPerMillionTokens)) / 1e6;

                var estimate = decision.Estimates[arm];
                estimate.PredictedScore.Should().BeApproximately(score.Predict(x), 1e-9);
                estimate.Uncertainty.Should().BeApproximately(score.Width(x), 1e-9);
                estimate.PredictedCostUsd.Should().BeApproximately(cost, 1e-12);
                estimate.CostTerm.Should().BeApproximately(lambda * cost / 0.001, 1e-9);
                estimate.PredictedReward.Should().BeApproximately(score.Predict(x) - (lambda * cost / 0.001), 1e-9);
            }
        }
    }

    [Fact]
    public async Task A_router_restored_from_a_snapshot_estimates_and_decides_as_the_original_and_goes_on_learning()
    {
        using var original = Router(seed: 5);
        await FeedAsync(original, new TopicPrompts(seed: 6), 80);
        var snapshot = original.CreateSnapshot();

        using var restored = Router(seed: 9);
        restored.RestoreSnapshot(snapshot);
        using var twin = Router(seed: 9);
        twin.RestoreSnapshot(snapshot);

        var prompts = new TopicPrompts(seed: 7);
        for (int i = 0; i < 20; i++)
        {
            var question = Ask(prompts.Next().Prompt);
            var expected = await original.RouteAsync(question);
            var actual = await restored.RouteAsync(question);
            var same = await twin.RouteAsync(question);
            for (int arm = 0; arm < 3; arm++)
            {
                actual.Estimates[arm].PredictedScore.Should().BeApproximately(expected.Estimates[arm].PredictedScore, 1e-12);
                actual.Estimates[arm].Uncertainty.Should().BeApproximately(expected.Estimates[arm].Uncertainty, 1e-12);
                actual.Estimates[arm].PredictedCostUsd.Should().BeApproximately(expected.Estimates[arm].PredictedCostUsd, 1e-15);
            }

            same.ArmIndex.Should().Be(actual.ArmIndex, "two routers built from one snapshot with one seed decide alike");
            same.Propensity.Should().Be(actual.Propensity);
        }

        var response = await restored.GetResponseAsync(Ask("tell me about the sonnet and haiku verse?"));
        restored.RecordFeedback(response.GetDecisionId()!, 1);
        ((LinearBanditPolicy)restored.Policy).GetObservationCount(restored.Arms.ToList().FindIndex(a => a.Name == response.GetArmName()))
            .Should().Be(snapshot.Arms[response.GetArmName()!].Count + 1, "the restored router goes on learning");
        restored.CreateSnapshot().FeedbackCount.Should().Be(snapshot.FeedbackCount + 1);
    }

    [Fact]
    public async Task Three_routers_fed_a_third_each_merge_into_one_router_fed_everything()
    {
        var warm = WarmStartSet(new TopicPrompts(seed: 11), 40);
        using var single = Router(seed: 1);
        await single.WarmStartAsync(warm);
        var baseline = single.CreateSnapshot();
        var instances = new[] { Router(seed: 2), Router(seed: 3), Router(seed: 4) };
        foreach (var instance in instances)
        {
            instance.RestoreSnapshot(baseline);
        }

        var prompts = new TopicPrompts(seed: 12);
        for (int i = 0; i < 90; i++)
        {
            var question = Ask(prompts.Next().Prompt);
            var decision = await instances[i % 3].RouteAsync(question);
            var answer = Outcome(decision.ArmIndex, i);

            // The single router learns the same (arm, context, outcome) that the instance learned through feedback.
            instances[i % 3].RecordFeedback(decision.DecisionId, answer.Score, answer.Usage);
            single.Policy.Update(decision.ArmIndex, await ContextAsync(single, question), new ArmObservation(answer.Score, BilledTokens.FromUsage(answer.Usage)!.Value, InputTokenEstimate.FromRequest(question)));
        }

        var merged = RouterSnapshot.Merge(baseline, [.. instances.Select(r => r.CreateSnapshot())]);
        var everything = single.CreateSnapshot();
        foreach (var (name, expected) in everything.Arms)
        {
            var actual = merged.Arms[name];
            actual.Count.Should().Be(expected.Count);
            actual.Gram.ShouldBeCloseTo(expected.Gram, 1e-9, $"Σ x xᵀ of {name}");
            actual.ScoreTargets.ShouldBeCloseTo(expected.ScoreTargets, 1e-9, $"Σ score·x of {name}");
            actual.OutputTokenTargets.ShouldBeCloseTo(expected.OutputTokenTargets, 1e-9, $"Σ output·x of {name}");
            actual.ScoreSquares.Should().BeApproximately(expected.ScoreSquares, 1e-9);
            actual.InputTokens.Should().BeApproximately(expected.InputTokens, 1e-9);
            actual.EstimatedInputTokens.Should().BeApproximately(expected.EstimatedInputTokens, 1e-9);
        }

        merged.FeedbackCount.Should().Be(90);
        foreach (var instance in instances)
        {
            instance.Dispose();
        }
    }

    [Fact]
    public async Task Arms_added_since_a_snapshot_start_fresh_and_removed_ones_are_kept_for_their_return()
    {
        using var before = Router(seed: 1);
        await FeedAsync(before, new TopicPrompts(seed: 2), 30);
        var snapshot = before.CreateSnapshot();

        // "cheap" leaves, "newcomer" arrives, and the order changes: arms are matched by name, never by position.
        var client = TestChatClient.Answering("x", 10, 10);
        using var after = new MetaLlmRouter(
            [new RouterArm("dear", client, Price(5, 15)), new RouterArm("newcomer", client, Price(1, 1)), new RouterArm("middle", client, Price(2, 6))],
            Options(seed: 1),
            featurizer: new HashingFeaturizer(D));
        after.RestoreSnapshot(snapshot);

        var statistics = after.Policy.ExportStatistics();
        statistics[0].SameAs(snapshot.Arms["dear"]).Should().BeTrue();
        statistics[1].Count.Should().Be(0, "a new arm starts fresh");
        statistics[2].SameAs(snapshot.Arms["middle"]).Should().BeTrue();
        var saved = after.CreateSnapshot();
        saved.Arms.Should().ContainKey("cheap", "a removed arm's statistics are kept aside");
        saved.Arms["cheap"].SameAs(snapshot.Arms["cheap"]).Should().BeTrue();

        using var back = Router(seed: 1);
        back.RestoreSnapshot(saved);
        back.Policy.ExportStatistics()[0].SameAs(snapshot.Arms["cheap"]).Should().BeTrue("it gets them back when it returns");
    }

    [Fact]
    public async Task Snapshots_that_do_not_fit_are_refused_and_change_nothing()
    {
        using var router = Router(seed: 1);
        await FeedAsync(router, new TopicPrompts(seed: 3), 20);
        var good = router.CreateSnapshot();
        var before = router.Policy.ExportStatistics();

        using var other = new MetaLlmRouter(ThreeArms(), Options(seed: 1), featurizer: new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = D, HashSeed = 99 }));
        other.Invoking(r => r.RestoreSnapshot(good)).Should().Throw<ArgumentException>().WithMessage("*other features*FeatureDimension*");
        using var wider = new MetaLlmRouter(ThreeArms(), Options(seed: 1), featurizer: new HashingFeaturizer(D + 4));
        wider.Invoking(r => r.RestoreSnapshot(good)).Should().Throw<ArgumentException>().WithMessage($"*hashing-{D}*hashing-{D + 4}*");

        var nan = Copy(good, s => s.Arms["middle"].ScoreTargets[3] = double.NaN);
        router.Invoking(r => r.RestoreSnapshot(nan)).Should().Throw<ArgumentException>().WithMessage("*'middle'*ScoreTargets[3]*not finite*");
        var notPositive = Copy(good, s => s.Arms["dear"].Gram[0] = -1000);
        router.Invoking(r => r.RestoreSnapshot(notPositive)).Should().Throw<ArgumentException>().WithMessage("*positive definite*");
        var newer = new RouterSnapshot { FormatVersion = RouterSnapshot.CurrentFormatVersion + 1, FeaturizerName = good.FeaturizerName, FeatureDimension = good.FeatureDimension, FeaturizerFingerprint = good.FeaturizerFingerprint, Arms = good.Arms };
        router.Invoking(r => r.RestoreSnapshot(newer)).Should().Throw<ArgumentException>().WithMessage("*newer*upgrade MetaLlm*");

        router.Policy.ExportStatistics().ShouldBeSameStateAs(before, "a refused snapshot changes nothing, not even the arms before the bad one");
    }

    [Fact]
    public async Task A_file_saved_under_the_old_default_of_512_features_is_refused_by_the_new_default_and_loads_when_512_is_pinned()
    {
        var path = Path.Combine(Path.GetTempPath(), $"metallm-upgrade-{Guid.NewGuid():N}.state");
        try
        {
            var store = new FileRouterStateStore(path);
            using (var old = new MetaLlmRouter(ThreeArms(), new() { FeatureDimension = 512 }))
            {
                var prompts = new TopicPrompts(seed: 5);
                for (int i = 0; i < 5; i++)
                {
                    var decision = await old.RouteAsync(Ask(prompts.Next().Prompt));
                    old.RecordFeedback(decision.DecisionId, 1, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 });
                }

                await old.SaveStateAsync(store);
            }

            byte[] saved = await File.ReadAllBytesAsync(path);
            using var upgraded = new MetaLlmRouter(ThreeArms(), new());
            upgraded.Featurizer.Dimension.Should().Be(128, "128 hashed features is the default now");
            await upgraded.Invoking(r => r.LoadStateAsync(store)).Should().ThrowAsync<ArgumentException>().WithMessage("*hashing-512*hashing-128*FeatureDimension*");
            (await File.ReadAllBytesAsync(path)).Should().Equal(saved, "a refused snapshot is never overwritten");

            using var pinned = new MetaLlmRouter(ThreeArms(), new() { FeatureDimension = 512 });
            (await pinned.LoadStateAsync(store)).Should().BeTrue();
            pinned.Policy.ExportStatistics().Sum(s => s.Count).Should().Be(5, "every fed decision was learned once");
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".previous");
        }
    }

    internal static MetaLlmRouterOptions Options(int seed, decimal? costReference = null) => new()
    {
        CostWeight = 0.4,
        CostReferenceUsd = costReference,
        LinUcb = { Alpha = 0.3, Seed = seed, DecisionPrecision = DecisionPrecision.DoublePrecision },
        FeatureDimension = D,
    };

    private static RouterArm[] ThreeArms()
    {
        var client = TestChatClient.Answering("x", 10, 10);
        return [new RouterArm("cheap", client, Price(0.5m, 1.5m)), new RouterArm("middle", client, Price(2, 6)), new RouterArm("dear", client, Price(5, 15))];
    }

    private static MetaLlmRouter Router(int seed, decimal? costReference = null) => new(ThreeArms(), Options(seed, costReference));

    private static (double Score, UsageDetails Usage) Outcome(int arm, int i) =>
        (((arm + i) % 3) / 2.0, new UsageDetails { InputTokenCount = 40 + (7 * arm) + (i % 5), OutputTokenCount = 20 + (13 * arm) + (i % 11) });

    private static async Task<List<(int Arm, float[] Context, double Score, long Input, long Output, double Estimated)>> FeedAsync(MetaLlmRouter router, TopicPrompts prompts, int count)
    {
        var log = new List<(int, float[], double, long, long, double)>();
        for (int i = 0; i < count; i++)
        {
            var question = Ask(prompts.Next().Prompt);
            var decision = await router.RouteAsync(question);
            var (score, usage) = Outcome(decision.ArmIndex, i);
            router.RecordFeedback(decision.DecisionId, score, usage);
            log.Add((decision.ArmIndex, await ContextAsync(router, question), score, usage.InputTokenCount!.Value, usage.OutputTokenCount!.Value, InputTokenEstimate.FromRequest(question)));
        }

        return log;
    }

    private static List<WarmStartExample> WarmStartSet(TopicPrompts prompts, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new WarmStartExample(prompts.Next().Prompt, new Dictionary<string, ArmOutcome>
        {
            ["cheap"] = new(Outcome(0, i).Score, Outcome(0, i).Usage),
            ["middle"] = new(Outcome(1, i).Score, Outcome(1, i).Usage),
            ["dear"] = new(Outcome(2, i).Score, Outcome(2, i).Usage),
        }))];

    private static async Task<float[]> ContextAsync(MetaLlmRouter router, List<ChatMessage> question)
    {
        var x = new float[D];
        await router.Featurizer.FeaturizeAsync(question, null, x);
        return x;
    }

    private static RouterSnapshot Copy(RouterSnapshot snapshot, Action<RouterSnapshot> change)
    {
        var copy = new RouterSnapshot
        {
            FeaturizerName = snapshot.FeaturizerName,
            FeatureDimension = snapshot.FeatureDimension,
            FeaturizerFingerprint = snapshot.FeaturizerFingerprint,
            Arms = snapshot.Arms.ToDictionary(p => p.Key, p => p.Value.Clone()),
        };
        change(copy);
        return copy;
    }
}
