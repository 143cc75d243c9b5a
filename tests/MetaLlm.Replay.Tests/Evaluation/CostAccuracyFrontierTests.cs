using MetaLlm.Replay.Evaluation;

namespace MetaLlm.Replay.Tests.Evaluation;

public sealed class CostAccuracyFrontierTests
{
    // Three single models: C lies below the line from A to B, so mixing A and B beats it.
    private static readonly CostAccuracyPoint A = new(1, 0.5);
    private static readonly CostAccuracyPoint B = new(3, 0.9);
    private static readonly CostAccuracyPoint C = new(2, 0.6);

    [Fact]
    public void The_zero_router_mixes_single_models_along_their_upper_hull()
    {
        var zero = new CostAccuracyFrontier([A, B, C]);

        zero.Vertices.Should().Equal(A, B);
        zero.AccuracyAt(2).Should().BeApproximately(0.7, 1e-12);
        zero.AccuracyAt(0.5).Should().Be(double.NaN);
        zero.AccuracyAt(10).Should().Be(0.9);
    }

    [Fact]
    public void Aiq_of_single_models_is_the_mean_height_of_their_hull()
    {
        new CostAccuracyFrontier([A, B, C]).AverageQuality(1, 3).Should().BeApproximately(0.7, 1e-12);
    }

    [Fact]
    public void Aiq_rises_with_a_router_point_above_the_hull()
    {
        // A → (2, 0.8) → B: trapezoids (0.5 + 0.8) / 2 and (0.8 + 0.9) / 2 over two units of cost.
        var router = new CostAccuracyFrontier([A, B, C, new CostAccuracyPoint(2, 0.8)]);

        router.AverageQuality(1, 3).Should().BeApproximately(0.75, 1e-12);
    }

    [Fact]
    public void Beyond_the_most_accurate_point_the_frontier_stays_flat()
    {
        // The oracle at (1.5, 0.95) beats B: 0.5 × (0.5 + 0.95) / 2 + 1.5 × 0.95, over 2.
        var oracle = new CostAccuracyFrontier([A, B, C, new CostAccuracyPoint(1.5, 0.95)]);

        oracle.Vertices.Should().Equal(A, new CostAccuracyPoint(1.5, 0.95));
        oracle.AverageQuality(1, 3).Should().BeApproximately(0.89375, 1e-12);
    }

    [Fact]
    public void A_point_below_the_hull_changes_nothing()
    {
        var with = new CostAccuracyFrontier([A, B, C, new CostAccuracyPoint(2.5, 0.7)]);

        with.AverageQuality(1, 3).Should().BeApproximately(0.7, 1e-12);
    }

    [Fact]
    public void An_empty_cost_range_gives_the_accuracy_at_its_cost()
    {
        new CostAccuracyFrontier([new CostAccuracyPoint(1, 0.4), new CostAccuracyPoint(1, 0.6)]).AverageQuality(1, 1).Should().Be(0.6);
    }
}
