namespace MetaLlm.Tests;

/// <summary>Element-wise comparison of numeric vectors, reporting the worst index.</summary>
internal static class ApproximateAssertions
{
    public static void ShouldBeCloseTo(this IReadOnlyList<double> actual, IEnumerable<double> expected, double tolerance, string what)
    {
        var reference = expected.ToArray();
        actual.Should().HaveCount(reference.Length, what);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < reference.Length; i++)
        {
            double difference = Math.Abs(actual[i] - reference[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                worstIndex = i;
            }
        }

        worst.Should().BeLessThanOrEqualTo(tolerance, $"{what} must match the reference everywhere (worst at index {worstIndex})");
    }
}

/// <summary>Exact comparison of learned policy states; element by element, since a generic equivalency check on d² arrays is quadratic.</summary>
internal static class PolicyStateAssertions
{
    public static void ShouldBeSameStateAs(this IReadOnlyList<ArmStatistics> actual, IReadOnlyList<ArmStatistics> expected, string because = "the learned state must not change")
    {
        SameState(actual, expected).Should().BeTrue(because);
    }

    public static void ShouldDifferFrom(this IReadOnlyList<ArmStatistics> actual, IReadOnlyList<ArmStatistics> expected, string because = "the policy must have learned")
    {
        SameState(actual, expected).Should().BeFalse(because);
    }

    public static bool SameAs(this ArmStatistics a, ArmStatistics b) =>
        a.Dimension == b.Dimension
        && a.Count == b.Count
        && a.Gram.AsSpan().SequenceEqual(b.Gram)
        && a.ScoreTargets.AsSpan().SequenceEqual(b.ScoreTargets)
        && a.OutputTokenTargets.AsSpan().SequenceEqual(b.OutputTokenTargets)
        && a.ScoreSum == b.ScoreSum && a.ScoreSquares == b.ScoreSquares
        && a.InputTokens == b.InputTokens && a.EstimatedInputTokens == b.EstimatedInputTokens
        && a.CachedInputTokens == b.CachedInputTokens && a.CacheWriteTokens == b.CacheWriteTokens
        && a.LongCacheWriteTokens == b.LongCacheWriteTokens && a.OutputTokens == b.OutputTokens;

    private static bool SameState(IReadOnlyList<ArmStatistics> actual, IReadOnlyList<ArmStatistics> expected) =>
        actual.Count == expected.Count && actual.Zip(expected).All(pair => pair.First.SameAs(pair.Second));
}
