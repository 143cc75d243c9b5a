using Microsoft.Extensions.Time.Testing;

namespace MetaLlm.Providers.Tests.Errors;

public sealed class ProviderErrorClassifierTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private static TimeSpan? Parse(params (string Name, string Value)[] headers) =>
        ProviderErrorClassifier.ParseRetryAfter(name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value, Clock);

    [Fact]
    public void Retry_after_is_read_as_seconds_as_an_http_date_and_as_openai_milliseconds()
    {
        Parse(("Retry-After", "7")).Should().Be(TimeSpan.FromSeconds(7));
        Parse(("Retry-After", "Wed, 25 Nov 2026 12:00:30 GMT")).Should().Be(TimeSpan.FromSeconds(30));
        Parse(("Retry-After", "Wed, 25 Nov 2026 12:00:30 GMT"), ("Date", "Wed, 25 Nov 2026 12:00:10 GMT")).Should().Be(TimeSpan.FromSeconds(20));
        Parse(("retry-after-ms", "1500"), ("Retry-After", "2")).Should().Be(TimeSpan.FromMilliseconds(1500));
        Parse(("Retry-After", "soon")).Should().BeNull();
        Parse().Should().BeNull();
    }

    [Theory]
    [InlineData(429, ProviderErrorKind.RateLimited, true)]
    [InlineData(408, ProviderErrorKind.Timeout, true)]
    [InlineData(500, ProviderErrorKind.ServerError, true)]
    [InlineData(529, ProviderErrorKind.ServerError, true)]
    [InlineData(501, ProviderErrorKind.ServerError, false)]
    [InlineData(400, ProviderErrorKind.InvalidRequest, false)]
    [InlineData(401, ProviderErrorKind.Unauthorized, false)]
    [InlineData(422, ProviderErrorKind.InvalidRequest, false)]
    public void Statuses_map_to_a_kind_and_a_retry_verdict(int status, ProviderErrorKind kind, bool transient)
    {
        var error = ProviderErrorClassifier.FromStatus("openai", "gpt-4o-mini", status, "code", "detail", null);

        error.Kind.Should().Be(kind);
        error.IsTransient.Should().Be(transient);
        error.Message.Should().Contain("openai").And.Contain("gpt-4o-mini").And.Contain($"HTTP {status}");
    }

    [Fact]
    public void The_routers_own_properties_are_dropped_from_a_clone_and_the_callers_options_are_untouched()
    {
        var options = new Microsoft.Extensions.AI.ChatOptions
        {
            AdditionalProperties = new() { ["metallm.arm"] = "a", ["MetaLlm.Decision_Id"] = "d", ["top_k"] = 5 },
        };

        var filtered = RouterPropertyFilter.Apply(options)!;

        filtered.Should().NotBeSameAs(options);
        filtered.AdditionalProperties!.Keys.Should().Equal("top_k");
        options.AdditionalProperties.Should().HaveCount(3);
        var clean = new Microsoft.Extensions.AI.ChatOptions { Temperature = 0 };
        RouterPropertyFilter.Apply(clean).Should().BeSameAs(clean);
    }

    [Theory]
    [InlineData(429, "RateLimited", true)]
    [InlineData(503, "ServerError", true)]
    [InlineData(400, "InvalidRequest", false)]
    public void A_provider_exception_tells_the_router_its_kind_and_whether_to_retry_without_its_message(int status, string kind, bool transient)
    {
        var error = ProviderErrorClassifier.FromStatus("anthropic", "claude-haiku-4-5", status, "code", "the model said something about the prompt", null);

        IModelErrorClassification classification = error;

        classification.ErrorKind.Should().Be(kind).And.Be(error.Kind.ToString());
        classification.IsTransient.Should().Be(transient);
        classification.ErrorKind.Should().NotContain("prompt");
        new ProviderException(BedrockChatClient.ProviderName, "m", ProviderErrorKind.Timeout, isTransient: true, "No answer.").ErrorKind.Should().Be("Timeout");
    }
}
