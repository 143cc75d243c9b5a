using System.Runtime.InteropServices;

namespace MetaLlm.Tests.State;

/// <summary>Seeded random snapshots that reach every corner of a double, and a bit-for-bit comparison of snapshots.</summary>
internal static class SnapshotFixtures
{
    public static readonly string[] ArmNames = ["alpha", "beta", "gamma \"γ\" 🚀", "delta"];

    public static RouterSnapshot Create(int seed, int dimension, int armCount = 3, long decisionCount = 0)
    {
        var random = new Random(seed);
        var arms = new Dictionary<string, ArmStatistics>(StringComparer.Ordinal);
        for (int a = 0; a < armCount; a++)
        {
            arms[a < ArmNames.Length ? ArmNames[a] : $"arm-{a}"] = CreateArm(random, dimension);
        }

        return new RouterSnapshot
        {
            TakenAt = new DateTimeOffset(2026, 12, 2, 7, 17, 4, TimeSpan.FromMinutes(330)).AddTicks(random.Next()),
            StatisticsAsOf = new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.FromHours(-8)).AddTicks(random.Next()),
            FeaturizerName = $"hashing-{dimension}",
            FeatureDimension = dimension,
            FeaturizerFingerprint = $"sha256:{random.NextInt64():x16}",
            PolicyName = "LinUcb",
            PolicySettings = new Dictionary<string, double> { ["alpha"] = AnyDouble(random), ["regularization"] = NonNegative(random) },
            CostWeight = NonNegative(random),
            DecisionCount = decisionCount != 0 ? decisionCount : random.NextInt64(0, long.MaxValue),
            FeedbackCount = random.NextInt64(0, long.MaxValue),
            Arms = arms,
        };
    }

    public static ArmStatistics CreateArm(Random random, int dimension)
    {
        var arm = new ArmStatistics(dimension)
        {
            Count = random.NextInt64(0, long.MaxValue),
            ScoreSum = AnyDouble(random),
            ScoreSquares = NonNegative(random),
            InputTokens = NonNegative(random),
            EstimatedInputTokens = NonNegative(random),
            CachedInputTokens = NonNegative(random),
            CacheWriteTokens = NonNegative(random),
            LongCacheWriteTokens = NonNegative(random),
            OutputTokens = NonNegative(random),
            Regularization = random.Next(3) == 0 ? null : Math.Exp((random.NextDouble() * 20) - 10),
        };
        for (int i = 0; i < dimension; i++)
        {
            for (int j = i; j < dimension; j++)
            {
                arm.Gram[(i * dimension) + j] = arm.Gram[(j * dimension) + i] = AnyDouble(random);
            }

            arm.ScoreTargets[i] = AnyDouble(random);
            arm.OutputTokenTargets[i] = AnyDouble(random);
        }

        return arm;
    }

    /// <summary>Any finite double: random bit patterns (every exponent, subnormals), signed zeros, and the extremes.</summary>
    public static double AnyDouble(Random random)
    {
        switch (random.Next(10))
        {
            case 0: return -0.0;
            case 1: return double.Epsilon;
            case 2: return random.Next(2) == 0 ? double.MaxValue : double.MinValue;
            case 3: return BitConverter.Int64BitsToDouble(random.NextInt64(1, 1L << 52)); // subnormal
            case 4: return Math.Round(random.NextDouble() * 1000, 1); // "0.1"-like decimals
            default:
                double value;
                do
                {
                    value = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
                }
                while (!double.IsFinite(value));
                return value;
        }
    }

    /// <summary>A finite double that validation accepts as a count of tokens (negative zero included).</summary>
    public static double NonNegative(Random random)
    {
        double value = AnyDouble(random);
        return value is 0 ? value : Math.Abs(value);
    }

    public static void ShouldBeBitIdenticalTo(this RouterSnapshot actual, RouterSnapshot expected)
    {
        actual.FormatVersion.Should().Be(expected.FormatVersion);
        actual.TakenAt.Ticks.Should().Be(expected.TakenAt.Ticks);
        actual.TakenAt.Offset.Should().Be(expected.TakenAt.Offset);
        actual.StatisticsAsOf.Ticks.Should().Be(expected.StatisticsAsOf.Ticks);
        actual.StatisticsAsOf.Offset.Should().Be(expected.StatisticsAsOf.Offset);
        actual.FeaturizerName.Should().Be(expected.FeaturizerName);
        actual.FeatureDimension.Should().Be(expected.FeatureDimension);
        actual.FeaturizerFingerprint.Should().Be(expected.FeaturizerFingerprint);
        actual.PolicyName.Should().Be(expected.PolicyName);
        actual.PolicySettings.Keys.Should().BeEquivalentTo(expected.PolicySettings.Keys);
        foreach (var (name, value) in expected.PolicySettings)
        {
            Bits(actual.PolicySettings[name]).Should().Be(Bits(value), $"policy setting {name} must round-trip bit for bit");
        }

        Bits(actual.CostWeight).Should().Be(Bits(expected.CostWeight));
        actual.DecisionCount.Should().Be(expected.DecisionCount);
        actual.FeedbackCount.Should().Be(expected.FeedbackCount);
        actual.Arms.Keys.Should().BeEquivalentTo(expected.Arms.Keys);
        foreach (var (name, arm) in expected.Arms)
        {
            ShouldBeBitIdenticalTo(actual.Arms[name], arm, name);
        }
    }

    public static void ShouldBeBitIdenticalTo(this ArmStatistics actual, ArmStatistics expected, string name)
    {
        actual.Dimension.Should().Be(expected.Dimension);
        actual.Count.Should().Be(expected.Count);
        double[] Scalars(ArmStatistics s) =>
            [s.ScoreSum, s.ScoreSquares, s.InputTokens, s.EstimatedInputTokens, s.CachedInputTokens, s.CacheWriteTokens, s.LongCacheWriteTokens, s.OutputTokens];
        SameBits(actual.Gram, expected.Gram).Should().BeTrue($"arm {name}'s Gram matrix must round-trip bit for bit");
        SameBits(actual.ScoreTargets, expected.ScoreTargets).Should().BeTrue($"arm {name}'s score targets must round-trip bit for bit");
        SameBits(actual.OutputTokenTargets, expected.OutputTokenTargets).Should().BeTrue($"arm {name}'s output-token targets must round-trip bit for bit");
        SameBits(Scalars(actual), Scalars(expected)).Should().BeTrue($"arm {name}'s scalar sums must round-trip bit for bit");
        actual.Regularization.Should().Be(expected.Regularization, $"arm {name}'s chosen penalty must round-trip");
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static bool SameBits(double[] actual, double[] expected) =>
        MemoryMarshal.AsBytes(actual.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan()));
}
