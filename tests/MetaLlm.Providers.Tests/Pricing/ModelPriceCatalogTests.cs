namespace MetaLlm.Providers.Tests.Pricing;

public sealed class ModelPriceCatalogTests
{
    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("amazon.titan-text-express-v1")]
    [InlineData("amazon.nova-micro-v1:0")]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0")]
    [InlineData("meta.llama3-1-8b-instruct-v1:0")]
    [InlineData("claude-haiku-4-5")]
    public void The_default_catalogue_prices_every_model_family_of_the_issue(string modelId)
    {
        ModelPriceCatalog.Default.TryFind(modelId, out var entry).Should().BeTrue();
        entry!.Pricing.OutputPerMillionTokens.Should().BePositive();
        entry.AsOf.Should().BeAfter(new DateOnly(2024, 1, 1));
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("us.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0")]
    [InlineData("eu.meta.llama3-2-1b-instruct-v1:0", "meta.llama3-2-1b-instruct-v1:0")]
    public void Dated_snapshots_and_inference_profiles_find_their_base_model(string requested, string catalogued)
    {
        ModelPriceCatalog.Default.TryFind(requested, out var entry).Should().BeTrue();
        entry!.ModelId.Should().Be(catalogued);
    }

    [Fact]
    public void An_unknown_model_is_refused_rather_than_counted_as_free()
    {
        var act = () => ModelPriceCatalog.Default.GetPricing("my-finetune-v7");

        act.Should().Throw<UnknownModelPriceException>().Which.ModelId.Should().Be("my-finetune-v7");
    }

    [Fact]
    public void A_given_price_and_an_override_win_over_the_catalogue()
    {
        var mine = ModelPricing.PerMillionTokens(0.1m, 0.2m);

        ModelPriceCatalog.Default.Resolve("gpt-4o-mini", mine).Should().BeSameAs(mine);
        ModelPriceCatalog.Default.With("gpt-4o-mini", mine).GetPricing("gpt-4o-mini").Should().BeSameAs(mine);
        ModelPriceCatalog.Default.With("my-finetune-v7", mine).GetPricing("my-finetune-v7").Should().BeSameAs(mine);
        ModelPriceCatalog.Default.GetPricing("gpt-4o-mini").Should().NotBeSameAs(mine);
    }
}
