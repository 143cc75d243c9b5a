using MathNet.Numerics.Distributions;

namespace MetaLlm;

/// <summary>
/// The probability that Thompson sampling picks an arm: with independent scores <c>s_k ~ N(μ_k, σ_k²)</c>,
/// <c>P(j wins) = E_z[Π_{k≠j} Φ((μ_j − μ_k + σ_j z) / σ_k)]</c>, a one-dimensional integral.
/// </summary>
/// <remarks>
/// The integral is taken by the midpoint rule in probability space: z runs over the centres of
/// <see cref="Strata"/> equally likely strata of the standard normal. The integrand rises monotonically from 0 to at
/// most 1 in z, so the error is at most 1/(2·<see cref="Strata"/>), and much less when the integrand is smooth.
/// </remarks>
internal static class ThompsonPropensity
{
    /// <summary>The number of equal-probability strata of z.</summary>
    public const int Strata = 32;

    // Beyond this many standard deviations Φ is 1 to double precision's taste for a propensity.
    private const double Saturated = 8.3;

    private const double TableEdge = 8.5;
    private const double TableResolution = 256;

    private static readonly double[] Nodes = CreateNodes();
    private static readonly double[] CdfTable = CreateCdfTable();

    /// <summary>Estimates the probability that <paramref name="arm"/> has the largest draw.</summary>
    /// <param name="estimates">Each arm's mean and standard width.</param>
    /// <param name="scale">The posterior scale v: arm k's draw has standard deviation v·width_k.</param>
    /// <param name="arm">The arm that was chosen.</param>
    /// <returns>The probability, in (0, 1].</returns>
    public static double Estimate(ReadOnlySpan<ArmEstimate> estimates, double scale, int arm)
    {
        int k = estimates.Length;
        double mean = estimates[arm].PredictedReward;
        double spread = scale * estimates[arm].Uncertainty;
        Span<double> offsets = k <= 128 ? stackalloc double[k] : new double[k];
        Span<double> slopes = k <= 128 ? stackalloc double[k] : new double[k];
        int competitors = 0;
        int ties = 1;
        double lowest = double.NegativeInfinity;
        for (int other = 0; other < k; other++)
        {
            if (other == arm)
            {
                continue;
            }

            double difference = mean - estimates[other].PredictedReward;
            double otherSpread = scale * estimates[other].Uncertainty;
            if (otherSpread == 0)
            {
                // A certain score is a hard threshold: the chosen arm wins only above it.
                if (spread > 0)
                {
                    lowest = Math.Max(lowest, -difference / spread);
                }
                else if (difference == 0)
                {
                    ties++;
                }
                else if (difference < 0)
                {
                    return Floor(ties);
                }

                continue;
            }

            double offset = difference / otherSpread;
            double slope = spread / otherSpread;
            if (offset + (slope * Nodes[0]) > Saturated)
            {
                continue;
            }

            offsets[competitors] = offset;
            slopes[competitors] = slope;
            competitors++;
        }

        double sum = 0;
        foreach (double z in Nodes)
        {
            if (z <= lowest)
            {
                continue;
            }

            double product = 1;
            for (int c = 0; c < competitors && product > 1e-12; c++)
            {
                product *= StandardNormalCdf(offsets[c] + (slopes[c] * z));
            }

            sum += product;
        }

        double probability = sum / Strata / ties;
        return Math.Clamp(probability, Floor(ties), 1.0);
    }

    /// <summary>Φ(x) by linear interpolation in a table with 256 points per unit: absolute error below 1e-6.</summary>
    internal static double StandardNormalCdf(double x)
    {
        double position = (x + TableEdge) * TableResolution;
        if (!(position > 0))
        {
            return 0;
        }

        if (position >= CdfTable.Length - 1)
        {
            return 1;
        }

        int index = (int)position;
        double fraction = position - index;
        double low = CdfTable[index];
        return low + ((CdfTable[index + 1] - low) * fraction);
    }

    // An arm that was chosen had a positive probability; below the rule's resolution report half a stratum.
    private static double Floor(int ties) => 0.5 / Strata / ties;

    private static double[] CreateCdfTable()
    {
        var table = new double[(int)(2 * TableEdge * TableResolution) + 1];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = Normal.CDF(0, 1, (i / TableResolution) - TableEdge);
        }

        return table;
    }

    private static double[] CreateNodes()
    {
        var nodes = new double[Strata];
        for (int i = 0; i < Strata; i++)
        {
            nodes[i] = Normal.InvCDF(0, 1, (i + 0.5) / Strata);
        }

        return nodes;
    }
}
