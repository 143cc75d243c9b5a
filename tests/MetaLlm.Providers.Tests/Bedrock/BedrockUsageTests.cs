using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers.Tests.Bedrock;

/// <summary>
/// Converse's <c>TokenUsage</c> (inputTokens excludes cache reads and writes; totalTokens adds all four) read into
/// Microsoft.Extensions.AI's convention (cache reads and writes inside the input count).
/// </summary>
public sealed class BedrockUsageTests
{
    private static UsageDetails? Read(string usage) => BedrockConverseResponse.Usage(JsonDocument.Parse($$"""{"usage":{{usage}}}""").RootElement);

    [Fact]
    public void Cache_reads_and_writes_are_added_to_the_input_count_that_excludes_them()
    {
        var usage = Read("""{"inputTokens":100,"cacheReadInputTokens":1500,"cacheWriteInputTokens":500,"outputTokens":50,"totalTokens":2150}""")!;

        usage.InputTokenCount.Should().Be(2100, "100 uncached + 1500 read from the cache + 500 written to it");
        usage.CachedInputTokenCount.Should().Be(1500);
        usage.AdditionalCounts.Should().Equal(new Dictionary<string, long> { [BilledTokens.CacheWriteCountKey] = 500 });
        usage.OutputTokenCount.Should().Be(50);
        usage.TotalTokenCount.Should().Be(2150, "Converse's total already counts the cache, and now equals input + output");
        BilledTokens.FromUsage(usage).Should().Be(new BilledTokens(UncachedInput: 100, CachedInput: 1500, CacheWrite: 500, LongCacheWrite: 0, Output: 50));
    }

    [Fact]
    public void The_one_hour_part_of_cache_details_is_reported_apart_from_the_five_minute_part()
    {
        var usage = Read("""
            {"inputTokens":100,"cacheReadInputTokens":1500,"cacheWriteInputTokens":500,"outputTokens":50,"totalTokens":2150,
             "cacheDetails":[{"inputTokens":300,"ttl":"1h"},{"inputTokens":200,"ttl":"5m"}]}
            """)!;

        usage.AdditionalCounts.Should().Equal(new Dictionary<string, long>
        {
            [BilledTokens.CacheWriteCountKey] = 500,
            [BilledTokens.LongCacheWriteCountKey] = 300,
        });
        BilledTokens.FromUsage(usage).Should().Be(new BilledTokens(100, 1500, CacheWrite: 200, LongCacheWrite: 300, 50));
    }

    [Fact]
    public void Cache_details_alone_give_the_writes_and_unknown_lifetimes_count_as_short_writes()
    {
        var usage = Read("""{"inputTokens":10,"outputTokens":1,"cacheDetails":[{"inputTokens":40,"ttl":"5m"},{"inputTokens":20,"ttl":"24h"}]}""")!;

        usage.InputTokenCount.Should().Be(70);
        usage.CachedInputTokenCount.Should().BeNull();
        usage.AdditionalCounts.Should().Equal(new Dictionary<string, long> { [BilledTokens.CacheWriteCountKey] = 60 });
    }

    [Fact]
    public void Usage_without_the_cache_is_read_as_it_is()
    {
        var usage = Read("""{"inputTokens":1234,"outputTokens":56,"totalTokens":1290,"cacheDetails":[]}""")!;

        usage.InputTokenCount.Should().Be(1234);
        usage.CachedInputTokenCount.Should().BeNull();
        usage.AdditionalCounts.Should().Equal(new Dictionary<string, long> { [BilledTokens.CacheWriteCountKey] = 0 });
        Read("""{"inputTokens":5,"outputTokens":1}""")!.AdditionalCounts.Should().BeNull();
        BedrockConverseResponse.Usage(JsonDocument.Parse("{}").RootElement).Should().BeNull();
    }

    [Theory]
    [InlineData("""{"inputTokens":1,"cacheReadInputTokens":-3}""", "usage.cacheReadInputTokens")]
    [InlineData("""{"inputTokens":1,"cacheWriteInputTokens":"many"}""", "usage.cacheWriteInputTokens")]
    [InlineData("""{"inputTokens":1,"cacheDetails":{"inputTokens":3}}""", "usage.cacheDetails")]
    [InlineData("""{"inputTokens":1,"cacheDetails":[{"ttl":"1h"}]}""", "usage.cacheDetails")]
    [InlineData("""{"inputTokens":1,"cacheDetails":[{"inputTokens":1.5,"ttl":"1h"}]}""", "usage.cacheDetails[].inputTokens")]
    [InlineData("""{"inputTokens":9223372036854775807,"cacheReadInputTokens":1}""", "too large")]
    public void Malformed_cache_counts_are_refused_naming_the_field(string usage, string field)
    {
        var act = () => Read(usage);

        act.Should().Throw<JsonException>().Which.Message.Should().Contain(field);
    }
}
