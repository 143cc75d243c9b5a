using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class DependencyInjectionTests
{
    [Fact]
    public async Task AddMetaLlmRouter_registers_the_router_as_the_chat_client()
    {
        var services = new ServiceCollection();
        var client = TestChatClient.Answering("hi", 10, 5);
        services.AddMetaLlmRouter(b => b.AddArm("only", client, Price(1, 2)).Configure(o => o.FeatureDimension = 16));
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        var router = provider.GetRequiredService<MetaLlmRouter>();

        chat.Should().BeSameAs(router);
        provider.GetRequiredService<MetaLlmRouter>().Should().BeSameAs(router, "the router is a singleton");
        router.Arms.Should().ContainSingle().Which.Client.Should().BeSameAs(client);
        var response = await chat.GetResponseAsync(Ask("hello"));
        response.GetArmName().Should().Be("only");
    }

    [Fact]
    public async Task The_returned_builder_composes_middleware_on_top_of_the_router()
    {
        var services = new ServiceCollection();
        PassThroughChatClient? middleware = null;
        services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("hi", 10, 5), Price(1, 2)).Configure(o => o.FeatureDimension = 16))
            .Use(inner => middleware = new PassThroughChatClient(inner));
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        var response = await chat.GetResponseAsync(Ask("hello"));

        chat.Should().BeSameAs(middleware);
        middleware!.Calls.Should().Be(1);
        chat.GetService<MetaLlmRouter>().Should().BeSameAs(provider.GetRequiredService<MetaLlmRouter>(), "the router is reachable through the pipeline");
        provider.GetRequiredService<MetaLlmRouter>().RecordFeedback(response.GetDecisionId()!, 1).ArmName.Should().Be("only");
    }

    [Fact]
    public async Task UseOpenTelemetry_composes_with_the_router()
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("hi", 10, 5), Price(1, 2)).Configure(o => o.FeatureDimension = 16))
            .UseOpenTelemetry(sourceName: "MetaLlm.Tests");
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        var response = await chat.GetResponseAsync(Ask("hello"));

        chat.Should().BeOfType<OpenTelemetryChatClient>();
        chat.GetService<MetaLlmRouter>().Should().NotBeNull();
        response.GetArmName().Should().Be("only");
        response.GetCostUsd().Should().Be(20m / 1_000_000m);
    }

    [Fact]
    public async Task Keyed_routers_are_registered_under_their_key_with_their_own_options()
    {
        var services = new ServiceCollection();
        services.AddKeyedMetaLlmRouter("cheap", b => b.AddArm("small", TestChatClient.Answering("s", 1, 1), Price(0.1m, 0.4m)).Configure(o => { o.FeatureDimension = 16; o.CostWeight = 0.9; }));
        services.AddKeyedMetaLlmRouter("smart", b => b.AddArm("large", TestChatClient.Answering("l", 1, 1), Price(10, 40)).Configure(o => { o.FeatureDimension = 32; o.CostWeight = 0.1; }));
        using var provider = services.BuildServiceProvider();

        var cheap = provider.GetRequiredKeyedService<MetaLlmRouter>("cheap");
        var smart = provider.GetRequiredKeyedService<MetaLlmRouter>("smart");

        provider.GetRequiredKeyedService<IChatClient>("cheap").Should().BeSameAs(cheap);
        provider.GetRequiredKeyedService<IChatClient>("smart").Should().BeSameAs(smart);
        provider.GetService<IChatClient>().Should().BeNull("only keyed routers were registered");
        provider.GetService<MetaLlmRouter>().Should().BeNull();
        (cheap.CostWeight, cheap.Featurizer.Dimension, cheap.Arms[0].Name).Should().Be((0.9, 16, "small"));
        (smart.CostWeight, smart.Featurizer.Dimension, smart.Arms[0].Name).Should().Be((0.1, 32, "large"));
        (await provider.GetRequiredKeyedService<IChatClient>("smart").GetResponseAsync(Ask("q"))).Text.Should().Be("l");
    }

    [Fact]
    public void Arms_can_come_from_keyed_services_and_factories()
    {
        var services = new ServiceCollection();
        var keyed = TestChatClient.Answering("k", 1, 1);
        var built = TestChatClient.Answering("f", 1, 1);
        services.AddKeyedSingleton<IChatClient>("gpt-mini", keyed);
        services.AddSingleton(built);
        services.AddMetaLlmRouter(b => b
            .AddKeyedArm("mini", Price(0.15m, 0.6m), "gpt-mini")
            .AddArm("factory", Price(1, 2), sp => sp.GetRequiredService<TestChatClient>())
            .Configure(o => o.FeatureDimension = 16));
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<MetaLlmRouter>();

        router.Arms.Select(a => a.Name).Should().Equal("mini", "factory");
        router.Arms[0].Client.Should().BeSameAs(keyed);
        router.Arms[1].Client.Should().BeSameAs(built);
        router.Arms[0].Pricing.Should().Be(Price(0.15m, 0.6m));
    }

    [Fact]
    public void A_keyed_arm_whose_client_is_not_registered_is_reported_with_its_key()
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(b => b.AddKeyedArm("mini", Price(1, 1), "missing-key"));
        using var provider = services.BuildServiceProvider();

        provider.Invoking(p => p.GetRequiredService<MetaLlmRouter>()).Should().Throw<InvalidOperationException>().WithMessage("*'mini'*'missing-key'*");
    }

    [Fact]
    public void A_router_without_arms_is_reported_when_resolved()
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(_ => { });
        using var provider = services.BuildServiceProvider();

        provider.Invoking(p => p.GetRequiredService<IChatClient>()).Should().Throw<InvalidOperationException>().WithMessage("*no arms*");
    }

    [Fact]
    public void Options_are_bound_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MetaLlm:CostWeight"] = "0.35",
            ["MetaLlm:CostReferenceUsd"] = "0.05",
            ["MetaLlm:Policy"] = "EpsilonGreedy",
            ["MetaLlm:EpsilonGreedy:Epsilon"] = "0.1",
            ["MetaLlm:EpsilonGreedy:Regularization"] = "2.5",
            ["MetaLlm:EpsilonGreedy:Seed"] = "3",
            ["MetaLlm:EpsilonGreedy:DecisionPrecision"] = "DoublePrecision",
            ["MetaLlm:FeatureDimension"] = "64",
            ["MetaLlm:MaxPendingDecisions"] = "500",
            ["MetaLlm:PendingDecisionLifetime"] = "00:10:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(configuration.GetSection("MetaLlm"), b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MetaLlmRouterOptions>>().Value;
        var router = provider.GetRequiredService<MetaLlmRouter>();

        options.Should().BeEquivalentTo(new MetaLlmRouterOptions
        {
            CostWeight = 0.35,
            CostReferenceUsd = 0.05m,
            Policy = RoutingPolicyKind.EpsilonGreedy,
            EpsilonGreedy = { Epsilon = 0.1, Regularization = 2.5, Seed = 3, DecisionPrecision = DecisionPrecision.DoublePrecision },
            FeatureDimension = 64,
            MaxPendingDecisions = 500,
            PendingDecisionLifetime = TimeSpan.FromMinutes(10),
        });
        router.CostWeight.Should().Be(0.35);
        router.Policy.Should().BeOfType<EpsilonGreedyPolicy>().Which.Epsilon.Should().Be(0.1);
        ((EpsilonGreedyPolicy)router.Policy).EffectiveDecisionPrecision.Should().Be(DecisionPrecision.DoublePrecision);
        router.Featurizer.Dimension.Should().Be(64);
    }

    [Fact]
    public void A_feature_dimension_too_large_for_the_policy_fails_validation_at_start_up()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MetaLlm:FeatureDimension"] = "1048576" }).Build();
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(configuration.GetSection("MetaLlm"), b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)));
        using var provider = services.BuildServiceProvider();

        // d² overflowed int inside the policy before; now start-up names the option and its range.
        provider.Invoking(p => p.GetRequiredService<IStartupValidator>().Validate()).Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().ContainSingle().Which.Should().Contain("FeatureDimension").And.Contain("4096");
        FluentActions.Invoking(() => new LinUcbPolicy(2, 1_048_576)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimension");
    }

    [Fact]
    public void Keyed_routers_bind_their_own_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routers:Fast:Policy"] = "ThompsonSampling",
            ["Routers:Fast:FeatureDimension"] = "24",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeyedMetaLlmRouter("fast", b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)), configuration.GetSection("Routers:Fast"));
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredKeyedService<MetaLlmRouter>("fast");

        router.Policy.Should().BeOfType<ThompsonSamplingPolicy>();
        router.Featurizer.Dimension.Should().Be(24);
    }

    [Fact]
    public void Invalid_configured_options_fail_validation_naming_the_field()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MetaLlm:CostWeight"] = "-1",
            ["MetaLlm:Policy"] = "EpsilonGreedy",
            ["MetaLlm:EpsilonGreedy:Epsilon"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(configuration.GetSection("MetaLlm"), b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)));
        using var provider = services.BuildServiceProvider();

        // What a host runs at start-up (ValidateOnStart), and what resolving the router runs otherwise.
        var atStartUp = provider.Invoking(p => p.GetRequiredService<IStartupValidator>().Validate()).Should().Throw<OptionsValidationException>().Which;
        atStartUp.Failures.Should().HaveCount(2);
        atStartUp.Failures.Should().Contain(f => f.Contains("CostWeight") && f.Contains("-1"));
        atStartUp.Failures.Should().Contain(f => f.Contains("EpsilonGreedy:Epsilon") && f.Contains("between 0 and 1"));
        atStartUp.OptionsType.Should().Be<MetaLlmRouterOptions>();
        provider.Invoking(p => p.GetRequiredService<IChatClient>()).Should().Throw<OptionsValidationException>().WithMessage("*CostWeight*");
    }

    [Fact]
    public void Invalid_options_set_in_code_fail_validation_naming_the_field()
    {
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)).Configure(o => o.PendingDecisionLifetime = TimeSpan.FromSeconds(-1)));
        using var provider = services.BuildServiceProvider();

        provider.Invoking(p => p.GetRequiredService<MetaLlmRouter>()).Should().Throw<OptionsValidationException>().WithMessage("*PendingDecisionLifetime*");
    }

    [Fact]
    public void A_custom_policy_and_featurizer_can_be_plugged_in()
    {
        var services = new ServiceCollection();
        ScriptedPolicy? policy = null;
        (int Arms, int Dimension) asked = default;
        services.AddMetaLlmRouter(b => b
            .AddArm("a", TestChatClient.Answering("x", 1, 1), Price(1, 1))
            .AddArm("b", TestChatClient.Answering("y", 1, 1), Price(2, 2))
            .UseFeaturizer(_ => new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = 40, IncludeInstructions = true }))
            .UsePolicy((_, arms, dimension) =>
            {
                asked = (arms, dimension);
                return policy = new ScriptedPolicy(arms, dimension);
            }));
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<MetaLlmRouter>();

        asked.Should().Be((2, 40), "the policy is made for the arms and the featurizer's dimension");
        router.Policy.Should().BeSameAs(policy);
        router.Featurizer.Dimension.Should().Be(40);
    }

    [Fact]
    public async Task The_registered_embedding_generator_can_be_the_featurizer()
    {
        var services = new ServiceCollection();
        var generator = new TestEmbeddingGenerator(text => [text.Length, 1f, 0f], modelId: "tiny");
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator);
        services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)).UseEmbeddingFeaturizer(3));
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<MetaLlmRouter>();
        await router.GetResponseAsync(Ask("embed me"));

        router.Featurizer.Should().BeOfType<EmbeddingFeaturizer>().Which.Name.Should().Be("embedding-tiny-3");
        router.Policy.Dimension.Should().Be(4);
        generator.Inputs.Should().Equal("embed me");
    }

    [Fact]
    public async Task The_registered_time_provider_ages_pending_decisions()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddMetaLlmRouter(b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)).Configure(o => { o.FeatureDimension = 8; o.PendingDecisionLifetime = TimeSpan.FromMinutes(1); }));
        using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<MetaLlmRouter>();
        var response = await router.GetResponseAsync(Ask("q"));

        time.Advance(TimeSpan.FromMinutes(2));

        router.Invoking(r => r.RecordFeedback(response.GetDecisionId()!, 1)).Should().Throw<ArgumentException>().WithMessage("*expired*");
    }

    [Fact]
    public void Registration_arguments_are_checked()
    {
        var services = new ServiceCollection();

        services.Invoking(s => s.AddMetaLlmRouter(null!)).Should().Throw<ArgumentNullException>().WithParameterName("configure");
        services.Invoking(s => s.AddMetaLlmRouter((IConfiguration)null!, _ => { })).Should().Throw<ArgumentNullException>().WithParameterName("configuration");
        services.Invoking(s => s.AddKeyedMetaLlmRouter(null!, _ => { })).Should().Throw<ArgumentNullException>().WithParameterName("serviceKey");
        services.Invoking(s => s.AddMetaLlmRouter(b => b.AddArm(" ", Price(1, 1), _ => TestChatClient.Answering("x", 1, 1)))).Should().Throw<ArgumentException>().WithParameterName("name");
    }
}
