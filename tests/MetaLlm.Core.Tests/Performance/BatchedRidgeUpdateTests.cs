namespace MetaLlm.Tests;

/// <summary>The batched observation path that the policies fold their queues through.</summary>
public class BatchedRidgeUpdateTests
{
    [Theory]
    [InlineData(5, 1)]
    [InlineData(7, 2)]
    [InlineData(33, 32)]
    [InlineData(64, 40)]
    public void A_batch_of_observations_equals_one_Sherman_Morrison_step_each(int dimension, int count)
    {
        var random = new Random(dimension * 100 + count);
        var batched = new RidgeRegressionModel(dimension, 0.8);
        var stepwise = new RidgeRegressionModel(dimension, 0.8);
        var contexts = new double[count * dimension];
        var rewards = new double[count];
        for (int k = 0; k < count; k++)
        {
            for (int i = 0; i < dimension; i++)
            {
                contexts[(k * dimension) + i] = random.NextDouble() - 0.5;
            }

            rewards[k] = random.NextDouble();
            stepwise.Update(contexts.AsSpan(k * dimension, dimension), rewards[k]);
        }

        batched.AddObservations(contexts, rewards, new double[count], count);

        batched.ObservationCount.Should().Be(count);
        batched.ScoreWeights.ToArray().ShouldBeCloseTo(stepwise.ScoreWeights.ToArray(), 1e-10, "θ");
        batched.Inverse.ToArray().ShouldBeCloseTo(stepwise.Inverse.ToArray(), 1e-10, "A⁻¹");
        batched.Gram.ToArray().ShouldBeCloseTo(stepwise.Gram.ToArray(), 1e-12, "A");
        batched.ScoreTargets.ToArray().ShouldBeCloseTo(stepwise.ScoreTargets.ToArray(), 1e-12, "b");
    }

    [Fact]
    public void A_batch_with_wrong_shapes_or_rewards_is_rejected_and_changes_nothing()
    {
        var model = new RidgeRegressionModel(3, 1.0);

        model.Invoking(m => m.AddObservations(new double[5], new double[2], new double[2], 2)).Should().Throw<ArgumentException>().WithParameterName("contexts");
        model.Invoking(m => m.AddObservations(new double[6], new double[1], new double[2], 2)).Should().Throw<ArgumentException>().WithParameterName("scores");
        model.Invoking(m => m.AddObservations(new double[6], [0.5, double.NaN], new double[2], 2)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("scores");
        model.Invoking(m => m.AddObservations(new double[6], [0.5, 0.5], [1, double.NaN], 2)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outputTokens");
        model.Invoking(m => m.AddObservations([], [], [], -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count");

        model.ObservationCount.Should().Be(0);
        model.ScoreWeights.ToArray().Should().OnlyContain(w => w == 0);
    }
}
