using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class RouterTests
{
    [Fact]
    public async Task The_chosen_arm_answers_and_the_response_carries_the_decision()
    {
        var policy = new ScriptedPolicy(3, 8) { ChooseArm = _ => 2 };
        var arms = Answering(100, 50, Price(1, 2), Price(3, 4), Price(5, 6));
        using var router = new MetaLlmRouter(arms, policy: policy, featurizer: new HashingFeaturizer(8));

        var response = await router.GetResponseAsync(Ask("hello"));

        response.Text.Should().Be("answer from arm2");
        response.GetArmName().Should().Be("arm2");
        response.GetDecisionId().Should().NotBeNullOrWhiteSpace();
        response.AdditionalProperties![MetaLlmPropertyNames.ArmName].Should().Be("arm2");
        response.AdditionalProperties[MetaLlmPropertyNames.DecisionId].Should().Be(response.GetDecisionId());
        response.AdditionalProperties[MetaLlmPropertyNames.CostUsd].Should().Be(((100 * 5m) + (50 * 6m)) / 1_000_000m);
        ((TestChatClient)arms[0].Client).CallCount.Should().Be(0);
        ((TestChatClient)arms[2].Client).CallCount.Should().Be(1);
        policy.Updates.Should().BeEmpty("nothing is learned before feedback");
    }

    [Fact]
    public async Task The_cost_is_tokens_times_price_exactly()
    {
        var client = TestChatClient.Answering("ok", inputTokens: 1234, outputTokens: 567);
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(2.50m, 10.00m))], featurizer: new HashingFeaturizer(8));

        var response = await router.GetResponseAsync(Ask("price me"));

        // 1234 × $2.50/M + 567 × $10/M = $0.003085 + $0.005670.
        response.GetCostUsd().Should().Be(0.008755m);
    }

    [Fact]
    public async Task Output_tokens_missing_from_usage_are_derived_from_the_total()
    {
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = 1000, TotalTokenCount = 1300 },
            }),
        };
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(1m, 4m))], featurizer: new HashingFeaturizer(8));

        var response = await router.GetResponseAsync(Ask("x"));

        response.GetCostUsd().Should().Be(((1000 * 1m) + (300 * 4m)) / 1_000_000m);
    }

    [Fact]
    public async Task A_response_without_usage_has_no_cost_and_keeps_the_arm_s_own_properties()
    {
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                AdditionalProperties = new() { ["provider.request_id"] = "r-1" },
            }),
        };
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(1m, 1m))], featurizer: new HashingFeaturizer(8));

        var response = await router.GetResponseAsync(Ask("x"));

        response.GetCostUsd().Should().BeNull();
        response.AdditionalProperties.Should().Contain("provider.request_id", "r-1");
        response.GetArmName().Should().Be("only");
    }

    [Fact]
    public async Task The_arm_gets_the_caller_s_messages_options_and_token_but_never_the_caller_s_model_id()
    {
        ChatOptions? seenOptions = null;
        IEnumerable<ChatMessage>? seenMessages = null;
        CancellationToken seenToken = default;
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, options, token) =>
            {
                (seenMessages, seenOptions, seenToken) = (messages, options, token);
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        using var router = new MetaLlmRouter([new RouterArm("only", client, Price(1m, 1m))], featurizer: new HashingFeaturizer(8));
        var messages = Ask("what is 2 + 2?");
        var options = new ChatOptions { ModelId = "caller-model", Temperature = 0.3f, Instructions = "be brief" };
        using var cancellation = new CancellationTokenSource();

        await router.GetResponseAsync(messages, options, cancellation.Token);

        seenOptions.Should().NotBeSameAs(options, "the router chooses the model: the caller's model id is replaced, on a copy");
        seenOptions!.ModelId.Should().BeNull("the arm reports no model id of its own, so it uses its default");
        seenOptions.Temperature.Should().Be(0.3f);
        seenOptions.Instructions.Should().Be("be brief");
        seenMessages.Should().BeSameAs(messages);
        seenToken.Should().Be(cancellation.Token);
        options.ModelId.Should().Be("caller-model");
        options.Temperature.Should().Be(0.3f);
        options.Instructions.Should().Be("be brief");
        options.AdditionalProperties.Should().BeNull("the router must not write its decision into the caller's options");
        options.Tools.Should().BeNull();
        messages.Should().ContainSingle().Which.Text.Should().Be("what is 2 + 2?");
    }

    [Fact]
    public async Task Decision_ids_are_unique()
    {
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), new() { LinUcb = { Seed = 1 }, FeatureDimension = 16 });

        var ids = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            ids.Add((await router.GetResponseAsync(Ask($"question {i}"))).GetDecisionId()!);
        }

        ids.Should().OnlyHaveUniqueItems();
        router.PendingDecisionCount.Should().Be(50);
    }

    [Fact]
    public async Task The_featurizer_sees_the_request_and_the_policy_its_features()
    {
        var featurizer = new HashingFeaturizer(16);
        var policy = new ScriptedPolicy(1, 16);
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1)), policy: policy, featurizer: featurizer);
        var messages = new List<ChatMessage> { new(ChatRole.System, "you are terse"), new(ChatRole.User, "sum of angles in a triangle") };

        await router.GetResponseAsync(messages);

        var expected = new float[16];
        featurizer.Featurize("sum of angles in a triangle", expected);
        policy.Decisions.Should().ContainSingle().Which.Should().Equal(expected);
    }

    [Fact]
    public void The_router_answers_for_its_metadata_itself_and_its_policy()
    {
        var policy = new ScriptedPolicy(1, 8);
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1)), policy: policy, featurizer: new HashingFeaturizer(8));

        router.GetService<ChatClientMetadata>()!.ProviderName.Should().Be("metallm");
        router.GetService<MetaLlmRouter>().Should().BeSameAs(router);
        router.GetService<IChatClient>().Should().BeSameAs(router);
        router.GetService<IRoutingPolicy>().Should().BeSameAs(policy);
        router.GetService<MetaLlmRouter>("some-key").Should().BeNull();
        router.GetService(typeof(string)).Should().BeNull();
    }

    [Fact]
    public void The_default_router_uses_the_options_policy_and_a_hashing_featurizer()
    {
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1), Price(2, 2)), new() { Policy = RoutingPolicyKind.ThompsonSampling, FeatureDimension = 32, CostWeight = 0.7 });

        router.Policy.Should().BeOfType<ThompsonSamplingPolicy>().Which.Dimension.Should().Be(32);
        router.Featurizer.Should().BeOfType<HashingFeaturizer>().Which.Dimension.Should().Be(32);
        router.CostWeight.Should().Be(0.7);
        router.Arms.Select(a => a.Name).Should().Equal("arm0", "arm1");
    }

    [Fact]
    public void The_options_are_copied_so_later_changes_do_not_reach_the_router()
    {
        var options = new MetaLlmRouterOptions { CostWeight = 0.4, FeatureDimension = 8 };
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1)), options);

        options.CostWeight = 0.9;

        router.CostWeight.Should().Be(0.4);
    }

    [Fact]
    public void Disposing_the_router_leaves_the_arms_and_a_caller_s_policy_alone()
    {
        var arms = Answering(1, 1, Price(1, 1));
        var policy = new ScriptedPolicy(1, 8);
        var router = new MetaLlmRouter(arms, policy: policy, featurizer: new HashingFeaturizer(8));

        router.Dispose();
        router.Dispose();

        ((TestChatClient)arms[0].Client).Disposed.Should().BeFalse("the router does not own its arms' clients");
        policy.Disposed.Should().BeFalse("a policy passed in belongs to the caller");
    }
}
