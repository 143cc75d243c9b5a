using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>The price of a model in US dollars per one million input and output tokens.</summary>
/// <remarks>
/// Prices are <see cref="decimal"/> so that the cost of a response (tokens × price) is exact to the cent-fraction.
/// A price of zero is allowed (self-hosted models), but it must be stated: MetaLlm never assumes a model is free.
/// </remarks>
public sealed record ModelPricing
{
    /// <summary>Initializes a new instance of the <see cref="ModelPricing"/> class.</summary>
    /// <param name="inputPerMillionTokens">US dollars per one million input (prompt) tokens; finite and not negative.</param>
    /// <param name="outputPerMillionTokens">US dollars per one million output (completion) tokens; finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">A price is negative.</exception>
    public ModelPricing(decimal inputPerMillionTokens, decimal outputPerMillionTokens)
    {
        if (inputPerMillionTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputPerMillionTokens), inputPerMillionTokens, "The input price per million tokens must not be negative.");
        }

        if (outputPerMillionTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputPerMillionTokens), outputPerMillionTokens, "The output price per million tokens must not be negative.");
        }

        InputPerMillionTokens = inputPerMillionTokens;
        OutputPerMillionTokens = outputPerMillionTokens;
    }

    /// <summary>Gets the price in US dollars of one million input (prompt) tokens.</summary>
    public decimal InputPerMillionTokens { get; }

    /// <summary>Gets the price in US dollars of one million output (completion) tokens.</summary>
    public decimal OutputPerMillionTokens { get; }

    /// <summary>Creates a price from US dollars per one million input and output tokens.</summary>
    /// <param name="input">US dollars per one million input tokens.</param>
    /// <param name="output">US dollars per one million output tokens.</param>
    /// <returns>The price.</returns>
    public static ModelPricing PerMillionTokens(decimal input, decimal output) => new(input, output);

    /// <summary>Computes the cost in US dollars of the given token counts.</summary>
    /// <param name="inputTokens">The number of input tokens; not negative.</param>
    /// <param name="outputTokens">The number of output tokens; not negative.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    public decimal ComputeCost(long inputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        return ((inputTokens * InputPerMillionTokens) + (outputTokens * OutputPerMillionTokens)) / 1_000_000m;
    }

    /// <summary>Computes the cost in US dollars of a response's reported usage.</summary>
    /// <param name="usage">The usage reported by the model.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <remarks>
    /// Uses <see cref="UsageDetails.InputTokenCount"/> and <see cref="UsageDetails.OutputTokenCount"/>. When only
    /// <see cref="UsageDetails.TotalTokenCount"/> is known, the part not accounted for by the input count is charged
    /// as output, which never undercounts for models whose output is dearer than their input.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    public decimal ComputeCost(UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var (input, output) = GetTokenCounts(usage);
        return ComputeCost(input, output);
    }

    /// <summary>Reads input and output token counts from usage, deriving a missing output count from the total.</summary>
    internal static (long Input, long Output) GetTokenCounts(UsageDetails usage)
    {
        long input = usage.InputTokenCount ?? 0;
        long output = usage.OutputTokenCount ?? Math.Max(0, (usage.TotalTokenCount ?? 0) - input);
        if (input < 0 || output < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(usage), "Token counts in the usage must not be negative.");
        }

        return (input, output);
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"${InputPerMillionTokens}/1M input, ${OutputPerMillionTokens}/1M output");
}
