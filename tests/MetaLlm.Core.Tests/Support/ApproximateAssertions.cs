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
