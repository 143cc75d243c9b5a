using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

/// <summary>Usage is split and priced by Microsoft.Extensions.AI's rule, with the numbers the SDKs report.</summary>
public class BilledTokensTests
{
    [Fact]
    public void OpenAI_usage_counts_cached_input_inside_the_input_and_reasoning_inside_the_output()
    {
        // What Microsoft.Extensions.AI.OpenAI reports for 2,000 prompt tokens of which 1,500 cached, 500 completion tokens of which 300 reasoning.
        var usage = new UsageDetails { InputTokenCount = 2000, CachedInputTokenCount = 1500, OutputTokenCount = 500, ReasoningTokenCount = 300, TotalTokenCount = 2500 };
        var o4Mini = new ModelPricing(1.10m, 4.40m) { CachedInputPerMillionTokens = 0.275m };

        BilledTokens.FromUsage(usage).Should().Be(new BilledTokens(500, 1500, 0, 0, 500));
        o4Mini.ComputeCost(usage).Should().Be(0.0031625m, "500 × 1.10 + 1,500 × 0.275 + 500 × 4.40 per million; the old rule charged $0.0044");
    }

    [Fact]
    public void Anthropic_usage_counts_cache_reads_and_writes_inside_the_input()
    {
        // What the Anthropic SDK 13.x reports: 100 uncached + 1,500 cache reads + 500 cache writes = 2,100 input tokens.
        var usage = new UsageDetails
        {
            InputTokenCount = 2100,
            CachedInputTokenCount = 1500,
            OutputTokenCount = 50,
            AdditionalCounts = new() { [BilledTokens.CacheWriteCountKey] = 500 },
        };
        var sonnet = new ModelPricing(3m, 15m) { CachedInputPerMillionTokens = 0.30m, CacheWritePerMillionTokens = 3.75m, LongCacheWritePerMillionTokens = 6m };

        BilledTokens.FromUsage(usage).Should().Be(new BilledTokens(100, 1500, 500, 0, 50));

        // 100 × 3 + 1,500 × 0.30 + 500 × 3.75 + 50 × 15 = 300 + 450 + 1,875 + 750 = 3,375 per million.
        sonnet.ComputeCost(usage).Should().Be(0.003375m);
        new ModelPricing(3m, 15m).ComputeCost(2100, 50).Should().Be(0.00705m, "the old rule, about 2.1 times too high");
    }

    [Fact]
    public void Long_lived_cache_writes_are_priced_apart_when_reported()
    {
        var usage = new UsageDetails
        {
            InputTokenCount = 2100,
            CachedInputTokenCount = 1500,
            OutputTokenCount = 50,
            AdditionalCounts = new() { [BilledTokens.CacheWriteCountKey] = 500, [BilledTokens.LongCacheWriteCountKey] = 300 },
        };
        var sonnet = new ModelPricing(3m, 15m) { CachedInputPerMillionTokens = 0.30m, CacheWritePerMillionTokens = 3.75m, LongCacheWritePerMillionTokens = 6m };

        BilledTokens.FromUsage(usage).Should().Be(new BilledTokens(100, 1500, 200, 300, 50));
        sonnet.ComputeCost(usage).Should().Be((300m + 450m + (200 * 3.75m) + (300 * 6m) + 750m) / 1_000_000m);
    }

    [Fact]
    public void Unset_cache_prices_fall_back_to_the_input_price()
    {
        var plain = new ModelPricing(2m, 8m);
        var usage = new UsageDetails { InputTokenCount = 1000, CachedInputTokenCount = 600, OutputTokenCount = 100, AdditionalCounts = new() { [BilledTokens.CacheWriteCountKey] = 100 } };

        plain.ComputeCost(usage).Should().Be(plain.ComputeCost(1000, 100), "a model without cache prices bills every input token at the input price");
        new ModelPricing(2m, 8m) { CacheWritePerMillionTokens = 2.5m }.EffectiveLongCacheWritePerMillionTokens.Should().Be(2.5m);
    }

    [Fact]
    public void Usage_without_counts_is_unknown_and_inconsistent_usage_is_refused_naming_the_field()
    {
        BilledTokens.FromUsage(new UsageDetails()).Should().BeNull();
        BilledTokens.FromUsage(new UsageDetails { TotalTokenCount = 30, InputTokenCount = 10 }).Should().Be(BilledTokens.Uncached(10, 20));

        Refused(new UsageDetails { InputTokenCount = 10, OutputTokenCount = -1 }).WithMessage("*OutputTokenCount*");
        Refused(new UsageDetails { InputTokenCount = 10, CachedInputTokenCount = 11 }).WithMessage("*CachedInputTokenCount*exceed*InputTokenCount*");
        Refused(new UsageDetails { InputTokenCount = 10, AdditionalCounts = new() { [BilledTokens.CacheWriteCountKey] = 11 } }).WithMessage("*CacheCreationInputTokens*exceed*");
        Refused(new UsageDetails { InputTokenCount = 10, AdditionalCounts = new() { [BilledTokens.CacheWriteCountKey] = 2, [BilledTokens.LongCacheWriteCountKey] = 3 } }).WithMessage("*CacheCreation1hInputTokens*");
        Refused(new UsageDetails { CachedInputTokenCount = 5 }).WithMessage("*InputTokenCount*");
    }

    [Fact]
    public void Bad_cache_prices_and_overflowing_costs_are_refused()
    {
        FluentActions.Invoking(() => new ModelPricing(1, 1) { CachedInputPerMillionTokens = -1 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CachedInputPerMillionTokens");
        FluentActions.Invoking(() => new ModelPricing(1, 1) { CacheWritePerMillionTokens = -1 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CacheWritePerMillionTokens");
        FluentActions.Invoking(() => new ModelPricing(1, 1) { LongCacheWritePerMillionTokens = -1 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LongCacheWritePerMillionTokens");
        new ModelPricing(decimal.MaxValue, 1).Invoking(p => p.ComputeCost(long.MaxValue, 0)).Should().Throw<OverflowException>().WithMessage("*exceeds the range of decimal*");
        new ModelPricing(1, 1).Invoking(p => p.ComputeCost(new BilledTokens(0, -1, 0, 0, 0))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*CachedInput*");
    }

    [Fact]
    public void The_cost_ceiling_takes_the_dearest_price_of_each_kind_of_token()
    {
        var cheapCache = new ModelPricing(3m, 15m) { CachedInputPerMillionTokens = 0.3m };
        var noCache = new ModelPricing(1m, 2m);
        RouterArm[] arms = [new("a", new TestChatClient(), cheapCache), new("b", new TestChatClient(), noCache)];
        var normalizer = new CostNormalizer(arms, referenceUsd: null);
        var tokens = new BilledTokens(100, 1000, 0, 0, 10);

        // Ceiling: 100 × 3 + 1,000 × max(0.3, 1) + 10 × 15 = 1,450 per million.
        normalizer.Normalize(cheapCache.ComputeCost(tokens), tokens).Should().BeApproximately((300 + 300 + 150) / 1450.0, 1e-12);
    }

    private static FluentAssertions.Specialized.ExceptionAssertions<ArgumentOutOfRangeException> Refused(UsageDetails usage) =>
        FluentActions.Invoking(() => BilledTokens.FromUsage(usage)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(usage));
}
