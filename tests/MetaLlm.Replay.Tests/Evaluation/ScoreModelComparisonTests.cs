using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Evaluation;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Tests.Evaluation;

public sealed class ScoreModelComparisonTests
{
    // One feature t in [-1, 1] plus a bias; model "steep" is right with probability σ(8t), model "flat" with 0.5.
    private static (List<ReplayQuery> Queries, List<float[]> Features, double[] Truth) Synthetic(int count, int seed)
    {
        var random = new Random(seed);
        var queries = new List<ReplayQuery>();
        var features = new List<float[]>();
        var truth = new double[count];
        for (int i = 0; i < count; i++)
        {
            double t = (random.NextDouble() * 2) - 1;
            truth[i] = 1 / (1 + Math.Exp(-8 * t));
            double steep = random.NextDouble() < truth[i] ? 1 : 0;
            double flat = random.NextDouble() < 0.5 ? 1 : 0;
            var query = new ReplayQuery($"{i}", i + 1, [new ChatMessage(ChatRole.User, $"q{i}")], [new RecordedOutcome(steep, 0.001m), new RecordedOutcome(flat, 0.001m)]);
            queries.Add(query);
            features.Add([(float)t, 1f]);
        }

        return (queries, features, truth);
    }

    [Fact]
    public void Both_models_choose_their_penalties_by_cross_validation_and_the_logistic_one_fits_a_steep_sigmoid_better()
    {
        var (train, trainFeatures, _) = Synthetic(1200, seed: 1);
        var (test, testFeatures, truth) = Synthetic(400, seed: 2);
        var dataset = new ReplayDataset("s", "s.jsonl", ["steep", "flat"], [.. train, .. test]);
        var costs = ReplayCostModel.Apply(dataset.Arms, dataset, null, null, null, 200);

        var outcomes = ScoreModelComparison.Compute(train, trainFeatures, test, testFeatures, costs, [0]);

        outcomes.Select(o => o.Name).Should().Equal("ridge", "logistic");
        foreach (var outcome in outcomes)
        {
            outcome.Penalties.Should().HaveCount(2).And.OnlyContain(p => ScoreModelComparison.CandidatePenalties.Contains(p));
            outcome.CrossValidationLoss.Should().HaveCount(ScoreModelComparison.CandidatePenalties.Length).And.OnlyContain(l => double.IsFinite(l) && l > 0);
            outcome.Points.Should().ContainSingle();
        }

        var (ridge, logistic) = (outcomes[0], outcomes[1]);
        logistic.CrossValidationBrier.Should().BeLessThan(ridge.CrossValidationBrier, "a sigmoid this steep is not a line");
        double logisticError = test.Select((_, q) => Math.Abs(logistic.Predictions[q][0] - truth[q])).Average();
        double ridgeError = test.Select((_, q) => Math.Abs(Math.Clamp(ridge.Predictions[q][0], 0, 1) - truth[q])).Average();
        logisticError.Should().BeLessThan(0.05, "the fitted probabilities follow σ(8t)");
        logisticError.Should().BeLessThan(ridgeError);
        logistic.Predictions.Should().OnlyContain(p => p[0] > 0 && p[0] < 1 && Math.Abs(p[1] - 0.5) < 0.1);

        // At λ = 0 routing by the logistic model sends t > 0 to "steep" and the rest to "flat": near the best possible.
        double best = test.Select((_, q) => Math.Max(truth[q], 0.5)).Average();
        logistic.Points[0].Point.Accuracy.Should().BeApproximately(best, 0.06);
    }
}
