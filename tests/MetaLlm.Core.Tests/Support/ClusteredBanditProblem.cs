namespace MetaLlm.Tests;

/// <summary>
/// A synthetic contextual bandit with a known answer: contexts come from a few clusters (regions) in
/// <c>Dimension − 1</c> dimensions plus a bias of 1, and each arm's mean reward depends only on the region.
/// </summary>
/// <remarks>
/// Region centres are random unit vectors, so they are almost orthogonal and a linear model per arm can represent
/// any mean per region; the noise around each centre makes the problem not quite exact, as real features are.
/// </remarks>
internal sealed class ClusteredBanditProblem
{
    private readonly double[][] _centres;
    private readonly double[,] _means;
    private readonly Random _contexts;
    private readonly Random _rewards;
    private readonly double _spread;

    public ClusteredBanditProblem(int seed, int dimension = 16, int armCount = 4, int regionCount = 4, double spread = 0.1)
    {
        Dimension = dimension;
        ArmCount = armCount;
        RegionCount = regionCount;
        _spread = spread;
        _contexts = new Random(seed);
        _rewards = new Random(seed + 1);
        _centres = new double[regionCount][];
        for (int r = 0; r < regionCount; r++)
        {
            _centres[r] = Normalize(Enumerable.Range(0, dimension - 1).Select(_ => Gaussian(_contexts)).ToArray());
        }

        // Each region's best arm pays 0.8; the others pay 0.2, 0.35 or 0.5, so the smallest gap is 0.3.
        _means = new double[regionCount, armCount];
        BestArms = new int[regionCount];
        for (int r = 0; r < regionCount; r++)
        {
            BestArms[r] = (r + 1) % armCount;
            for (int a = 0; a < armCount; a++)
            {
                _means[r, a] = a == BestArms[r] ? 0.8 : 0.2 + (0.15 * ((r + a) % 3));
            }
        }
    }

    public int Dimension { get; }

    public int ArmCount { get; }

    public int RegionCount { get; }

    /// <summary>Gets the best arm of each region.</summary>
    public int[] BestArms { get; }

    public double MeanReward(int region, int arm) => _means[region, arm];

    /// <summary>The expected reward lost by choosing <paramref name="arm"/> instead of the region's best arm.</summary>
    public double Regret(int region, int arm) => _means[region, BestArms[region]] - _means[region, arm];

    /// <summary>Draws a region uniformly and a context near its centre.</summary>
    public (float[] Context, int Region) NextContext()
    {
        int region = _contexts.Next(RegionCount);
        var point = _centres[region].Select(c => c + (_spread * Gaussian(_contexts))).ToArray();
        point = Normalize(point);
        var context = new float[Dimension];
        for (int i = 0; i < point.Length; i++)
        {
            context[i] = (float)point[i];
        }

        context[^1] = 1f;
        return (context, region);
    }

    /// <summary>Draws a Bernoulli reward with the arm's mean in the region.</summary>
    public double SampleReward(int region, int arm) => _rewards.NextDouble() < _means[region, arm] ? 1.0 : 0.0;

    private static double Gaussian(Random random) => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1);

    private static double[] Normalize(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
