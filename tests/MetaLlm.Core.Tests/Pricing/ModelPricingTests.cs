using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class ModelPricingTests
{
    [Theory]
    [InlineData(1234, 567, "2.50", "10.00", "0.008755")]
    [InlineData(1, 1, "0.15", "0.60", "0.00000075")]
    [InlineData(1_000_000, 0, "3", "15", "3")]
    [InlineData(0, 2_000_000, "3", "15", "30")]
    [InlineData(0, 0, "3", "15", "0")]
    public void The_cost_is_tokens_times_price_per_million_exactly(long input, long output, string inputPrice, string outputPrice, string expected)
    {
        var pricing = ModelPricing.PerMillionTokens(decimal.Parse(inputPrice, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(outputPrice, System.Globalization.CultureInfo.InvariantCulture));

        pricing.ComputeCost(input, output).Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        pricing.ComputeCost(new UsageDetails { InputTokenCount = input, OutputTokenCount = output }).Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Usage_with_only_a_total_charges_the_rest_as_output()
    {
        var pricing = Price(1m, 4m);

        pricing.ComputeCost(new UsageDetails { InputTokenCount = 100, TotalTokenCount = 150 }).Should().Be(((100 * 1m) + (50 * 4m)) / 1_000_000m);
        pricing.ComputeCost(new UsageDetails { TotalTokenCount = 10 }).Should().Be(40m / 1_000_000m);
        pricing.ComputeCost(new UsageDetails()).Should().BeNull();
    }

    [Fact]
    public void Bad_prices_and_counts_are_rejected()
    {
        var pricing = Price(1m, 1m);

        FluentActions.Invoking(() => new ModelPricing(-1m, 0m)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inputPerMillionTokens");
        FluentActions.Invoking(() => new ModelPricing(0m, -1m)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outputPerMillionTokens");
        pricing.Invoking(p => p.ComputeCost(-1, 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("inputTokens");
        pricing.Invoking(p => p.ComputeCost(0, -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outputTokens");
        pricing.Invoking(p => p.ComputeCost(new UsageDetails { OutputTokenCount = -5 })).Should().Throw<ArgumentOutOfRangeException>();
        pricing.Invoking(p => p.ComputeCost(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Prices_are_values()
    {
        Price(0.15m, 0.60m).Should().Be(new ModelPricing(0.15m, 0.60m));
        Price(0.15m, 0.60m).Should().NotBe(Price(0.15m, 0.61m));
        Price(0m, 0m).ComputeCost(1000, 1000).Should().Be(0m, "a stated price of zero is allowed");
        Price(0.15m, 0.6m).ToString().Should().Be("$0.15/1M input, $0.6/1M output");
    }

    [Fact]
    public void Costs_are_normalised_by_the_dearest_prices_or_by_a_reference()
    {
        var arms = Answering(1, 1, Price(10m, 1m), Price(1m, 10m), Price(2m, 2m));
        var byCeiling = new CostNormalizer(arms, referenceUsd: null);
        var byReference = new CostNormalizer(arms, referenceUsd: 0.5m);

        byCeiling.Normalize(0.011m, BilledTokens.Uncached(1000, 1000)).Should().BeApproximately(0.55, 1e-15);
        byCeiling.Normalize(0m, BilledTokens.Uncached(0, 0)).Should().Be(0, "no tokens cost nothing, even at the ceiling");
        byReference.Normalize(0.011m, BilledTokens.Uncached(1000, 1000)).Should().BeApproximately(0.022, 1e-15);
        byReference.NormalizePrediction(0.25, default).Should().Be(0.5);
        byCeiling.NormalizePrediction(0.011, new PredictedTokens(1000, 0, 0, 0, 1000)).Should().BeApproximately(0.55, 1e-12, "predictions are normalised as bills are");
    }
}
