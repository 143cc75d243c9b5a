namespace MetaLlm.Tests;

/// <summary>The ridge math shared by the three built-in policies, checked against MathNet's closed-form solve.</summary>
public class LinearBanditPolicyTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> Kinds => ["linucb", "thompson", "epsilon-greedy"];

    internal static LinearBanditPolicy Create(string kind, int arms, int dimension, double regularization = 1.0, int seed = 1) => kind switch
    {
        "linucb" => new LinUcbPolicy(arms, dimension, new() { Regularization = regularization, Seed = seed }),
        "thompson" => new ThompsonSamplingPolicy(arms, dimension, new() { Regularization = regularization, Seed = seed }),
        "epsilon-greedy" => new EpsilonGreedyPolicy(arms, dimension, new() { Regularization = regularization, Seed = seed }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fit_gives_each_arm_the_closed_form_ridge_solution(string kind)
    {
        const int K = 3, D = 8, N = 250;
        var (contexts, rewards) = FullInformationData(seed: 21, K, D, N);
        using var policy = Create(kind, K, D, regularization: 0.7);

        policy.Fit(Flatten(contexts), rewards, N);

        for (int arm = 0; arm < K; arm++)
        {
            double penalty = policy.GetRegularization(arm);
            var reference = new ClosedFormRidge(contexts.Select(ClosedFormRidge.Widen).ToList(), Column(rewards, K, arm), D, penalty);
            policy.GetWeights(arm).ShouldBeCloseTo(reference.Weights, Tolerance, $"θ of arm {arm}");
            var gramWithoutPenalty = reference.Gram - (penalty * MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(D));
            policy.ExportState()[arm].Gram.ShouldBeCloseTo(gramWithoutPenalty.ToRowMajorArray(), Tolerance, $"Σ x xᵀ of arm {arm}, without the penalty");
            policy.GetObservationCount(arm).Should().Be(N);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fit_then_online_updates_give_the_closed_form_solution_on_everything_each_arm_saw(string kind)
    {
        const int K = 3, D = 6, N = 80, Online = 300;
        var (contexts, rewards) = FullInformationData(seed: 5, K, D, N);
        using var policy = Create(kind, K, D);
        policy.Fit(Flatten(contexts), rewards, N);
        var random = new Random(17);
        var seen = Enumerable.Range(0, K).Select(arm => (Contexts: contexts.Select(ClosedFormRidge.Widen).ToList(), Rewards: Column(rewards, K, arm))).ToArray();

        for (int t = 0; t < Online; t++)
        {
            int arm = random.Next(K);
            var x = RandomContext(random, D);
            double reward = random.NextDouble();
            policy.Update(arm, x, reward);
            seen[arm].Contexts.Add(ClosedFormRidge.Widen(x));
            seen[arm].Rewards.Add(reward);
        }

        for (int arm = 0; arm < K; arm++)
        {
            var reference = new ClosedFormRidge(seen[arm].Contexts, seen[arm].Rewards, D, policy.GetRegularization(arm));
            policy.GetWeights(arm).ShouldBeCloseTo(reference.Weights, Tolerance, $"θ of arm {arm}");
            policy.GetObservationCount(arm).Should().Be(seen[arm].Rewards.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fit_after_one_arm_learned_online_gives_that_arm_its_own_solution_and_the_others_a_shared_one(string kind)
    {
        // Fit lets arms that end with the same A share one inversion; an arm that learned alone first must not.
        const int K = 3, D = 6, N = 60;
        var (contexts, rewards) = FullInformationData(seed: 8, K, D, N);
        using var policy = Create(kind, K, D);
        var random = new Random(4);
        var seen = Enumerable.Range(0, K).Select(arm => (Contexts: new List<double[]>(), Rewards: new List<double>())).ToArray();
        for (int t = 0; t < 20; t++)
        {
            var x = RandomContext(random, D);
            double reward = random.NextDouble();
            policy.Update(1, x, reward);
            seen[1].Contexts.Add(ClosedFormRidge.Widen(x));
            seen[1].Rewards.Add(reward);
        }

        policy.Fit(Flatten(contexts), rewards, N);

        for (int arm = 0; arm < K; arm++)
        {
            seen[arm].Contexts.AddRange(contexts.Select(ClosedFormRidge.Widen));
            seen[arm].Rewards.AddRange(Column(rewards, K, arm));
            var reference = new ClosedFormRidge(seen[arm].Contexts, seen[arm].Rewards, D, policy.GetRegularization(arm));
            policy.GetWeights(arm).ShouldBeCloseTo(reference.Weights, Tolerance, $"θ of arm {arm}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decide_reports_each_arm_s_prediction_and_width_from_the_closed_form(string kind)
    {
        const int K = 4, D = 7;
        using var policy = Create(kind, K, D, regularization: 1.5);
        var random = new Random(99);
        var log = new List<(int Arm, float[] Context, double Reward)>();
        for (int t = 0; t < 120; t++)
        {
            // Arm 3 never learns, so its estimate must stay at the prior.
            int arm = random.Next(K - 1);
            var x = RandomContext(random, D);
            double reward = random.NextDouble();
            policy.Update(arm, x, reward);
            log.Add((arm, x, reward));
        }

        var references = ClosedFormRidge.PerArm(log, K, D, 1.5);
        var estimates = new ArmEstimate[K];
        for (int probe = 0; probe < 10; probe++)
        {
            var x = RandomContext(random, D);
            policy.Decide(x, estimates);
            for (int arm = 0; arm < K; arm++)
            {
                estimates[arm].PredictedReward.Should().BeApproximately(references[arm].Predict(ClosedFormRidge.Widen(x)), Tolerance);
                estimates[arm].Uncertainty.Should().BeApproximately(references[arm].Width(ClosedFormRidge.Widen(x)), Tolerance);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fitting_nothing_changes_nothing(string kind)
    {
        using var policy = Create(kind, 2, 3);
        policy.Update(1, [1, 2, 3], 0.5);
        var before = policy.ExportState();

        policy.Fit([], [], 0);

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Bad_arguments_throw_and_leave_the_learned_state_unchanged(string kind)
    {
        using var policy = Create(kind, 2, 3);
        policy.Update(0, [1, 0, 1], 0.9);
        var before = policy.ExportState();
        var estimates = new ArmEstimate[2];

        policy.Invoking(p => p.Decide([1, 0], new ArmEstimate[2])).Should().Throw<ArgumentException>().WithParameterName("context").WithMessage("*2 features*expects 3*");
        policy.Invoking(p => p.Decide([1, float.NaN, 0], new ArmEstimate[2])).Should().Throw<ArgumentException>().WithParameterName("context").WithMessage("*non-finite*index 1*");
        policy.Invoking(p => p.Decide([1, 0, 0], new ArmEstimate[3])).Should().Throw<ArgumentException>().WithParameterName("estimates");
        policy.Invoking(p => p.Update(2, [1, 0, 0], 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("arm");
        policy.Invoking(p => p.Update(-1, [1, 0, 0], 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("arm");
        policy.Invoking(p => p.Update(0, [1, 0, 0], double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("observation");
        policy.Invoking(p => p.Update(0, [float.PositiveInfinity, 0, 0], 0.5)).Should().Throw<ArgumentException>().WithParameterName("context");
        policy.Invoking(p => p.Fit(new float[5], new double[2], 1)).Should().Throw<ArgumentException>().WithParameterName("contexts");
        policy.Invoking(p => p.Fit(new float[3], new double[3], 1)).Should().Throw<ArgumentException>().WithParameterName("observations");
        policy.Invoking(p => p.Fit([1, 0, 0, 0, 1, 0], [0.5, 0.5, double.NaN, 0.5], 2)).Should().Throw<ArgumentException>().WithMessage("*arm 0, example 1*");
        policy.Invoking(p => p.Fit([1, 0, 0, 0, float.NaN, 0], [0.5, 0.5, 0.5, 0.5], 2)).Should().Throw<ArgumentException>().WithMessage("*Context 1*index 1*");
        policy.Invoking(p => p.ImportStatistics([before[0]])).Should().Throw<ArgumentException>().WithParameterName("statistics");
        policy.Invoking(p => p.GetWeights(5)).Should().Throw<ArgumentOutOfRangeException>();

        policy.ExportState().ShouldBeSameStateAs(before);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Importing_statistics_is_all_or_nothing_and_refuses_non_finite_or_indefinite_ones(string kind)
    {
        var (contexts, rewards) = FullInformationData(seed: 4, 3, 4, 20);
        using var policy = Create(kind, 3, 4);
        policy.Fit(Flatten(contexts), rewards, 20);
        var before = policy.ExportStatistics();

        var indefinite = before.Select(s => s.Clone()).ToArray();
        indefinite[2].Gram[0] = -100;
        policy.Invoking(p => p.ImportStatistics(indefinite)).Should().Throw<ArgumentException>().WithMessage("*arm 2*positive definite*");
        var nan = before.Select(s => s.Clone()).ToArray();
        nan[1].ScoreTargets[0] = double.NaN;
        policy.Invoking(p => p.ImportStatistics(nan)).Should().Throw<ArgumentException>().WithMessage("*arm 1*not finite*");
        var wrongSize = before.Select(s => s.Clone()).ToArray();
        wrongSize[1] = new ArmStatistics(5);
        policy.Invoking(p => p.ImportStatistics(wrongSize)).Should().Throw<ArgumentException>().WithMessage("*arm 1*dimension 5*");

        policy.ExportStatistics().ShouldBeSameStateAs(before, "arms 0 and 1 must not have been replaced before arm 2 was refused");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Exported_state_moves_what_was_learned_to_another_policy(string kind)
    {
        var (contexts, rewards) = FullInformationData(seed: 8, 2, 4, 30);
        using var trained = Create(kind, 2, 4);
        trained.Fit(Flatten(contexts), rewards, 30);
        using var copy = Create(kind, 2, 4);

        copy.ImportStatistics(trained.ExportStatistics());

        for (int arm = 0; arm < 2; arm++)
        {
            copy.GetWeights(arm).ShouldBeCloseTo(trained.GetWeights(arm), Tolerance, $"θ of arm {arm}");
            copy.GetObservationCount(arm).Should().Be(30);
        }
    }

    [Fact]
    public void Invalid_shapes_and_options_are_rejected_at_construction()
    {
        FluentActions.Invoking(() => new LinUcbPolicy(0, 3)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("armCount");
        FluentActions.Invoking(() => new LinUcbPolicy(2, 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimension");
        FluentActions.Invoking(() => new LinUcbPolicy(2, 3, new() { Alpha = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Alpha");
        FluentActions.Invoking(() => new LinUcbPolicy(2, 3, new() { Alpha = double.NaN })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Alpha");
        FluentActions.Invoking(() => new LinUcbPolicy(2, 3, new() { Regularization = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Regularization");
        FluentActions.Invoking(() => new ThompsonSamplingPolicy(2, 3, new() { PosteriorScale = double.PositiveInfinity })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PosteriorScale");
        FluentActions.Invoking(() => new ThompsonSamplingPolicy(2, 3, new() { PropensitySamples = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PropensitySamples");
        FluentActions.Invoking(() => new EpsilonGreedyPolicy(2, 3, new() { Epsilon = 1.1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Epsilon");
        FluentActions.Invoking(() => new EpsilonGreedyPolicy(2, 3, new() { Epsilon = -0.1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Epsilon");
    }

    internal static (List<float[]> Contexts, double[] Rewards) FullInformationData(int seed, int arms, int dimension, int count)
    {
        var random = new Random(seed);
        var contexts = new List<float[]>();
        var rewards = new double[count * arms];
        for (int n = 0; n < count; n++)
        {
            contexts.Add(RandomContext(random, dimension));
            for (int arm = 0; arm < arms; arm++)
            {
                rewards[(n * arms) + arm] = random.NextDouble();
            }
        }

        return (contexts, rewards);
    }

    internal static float[] RandomContext(Random random, int dimension)
    {
        var x = new float[dimension];
        for (int i = 0; i < dimension - 1; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        x[^1] = 1f;
        return x;
    }

    internal static float[] Flatten(IEnumerable<float[]> rows) => rows.SelectMany(r => r).ToArray();

    private static List<double> Column(double[] rowMajor, int columns, int column) =>
        Enumerable.Range(0, rowMajor.Length / columns).Select(row => rowMajor[(row * columns) + column]).ToList();
}
