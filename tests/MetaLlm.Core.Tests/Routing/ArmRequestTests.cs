using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>What each arm receives: its own model id, never the caller's, and never the router's own options.</summary>
public class ArmRequestTests
{
    [Fact]
    public async Task The_chosen_arm_receives_its_own_model_id_not_the_caller_s()
    {
        var seen = new List<string?>();
        var small = Recording("small-model", seen);
        var large = Recording("large-model", seen);
        var policy = new ScriptedPolicy(2, 8) { ChooseArm = _ => 1 };
        using var router = new MetaLlmRouter(
            [new RouterArm("small", small, Price(1, 1)), new RouterArm("large", large, Price(2, 2))], policy: policy, featurizer: new HashingFeaturizer(8));
        var options = new ChatOptions { ModelId = "someone-elses-model", Temperature = 0.1f };

        var response = await router.GetResponseAsync(Ask("q"), options);
        await RouterStreamingTests.ToListAsync(router.GetStreamingResponseAsync(Ask("q"), options));

        seen.Should().Equal("large-model", "large-model");
        response.GetArmName().Should().Be("large");
        options.ModelId.Should().Be("someone-elses-model", "the caller's options are never mutated");
    }

    [Fact]
    public async Task An_arm_s_model_id_comes_from_its_client_s_metadata_unless_given()
    {
        var client = new TestChatClient { GetServiceCallback = (type, _) => type == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, "from-metadata") : null };

        new RouterArm("a", client, Price(1, 1)).ModelId.Should().Be("from-metadata");
        new RouterArm("a", client, Price(1, 1), modelId: "explicit").ModelId.Should().Be("explicit");
        new RouterArm("a", new TestChatClient(), Price(1, 1)).ModelId.Should().BeNull();
        FluentActions.Invoking(() => new RouterArm("a", client, Price(1, 1), modelId: " ")).Should().Throw<ArgumentException>().WithParameterName("modelId");

        ChatOptions? seen = null;
        var recording = new TestChatClient
        {
            GetServiceCallback = client.GetServiceCallback,
            GetResponseAsyncCallback = (_, o, _) =>
            {
                seen = o;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        using var router = new MetaLlmRouter([new RouterArm("a", recording, Price(1, 1))], new() { FeatureDimension = 8 });
        await router.GetResponseAsync(Ask("q"));
        seen!.ModelId.Should().Be("from-metadata", "a request without options still names the arm's model");
    }

    [Fact]
    public async Task The_router_s_own_keys_never_reach_an_arm()
    {
        ChatOptions? seen = null;
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, o, _) =>
            {
                seen = o;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        using var router = new MetaLlmRouter([new RouterArm("a", client, Price(1, 1))], new() { FeatureDimension = 8 });
        var options = new ChatOptions { AdditionalProperties = new() { ["metallm.expected_label"] = "positive", ["MetaLlm.Pin"] = "a", ["top_k"] = 5 } };

        await router.GetResponseAsync(Ask("q"), options);

        seen!.AdditionalProperties.Should().ContainSingle().Which.Key.Should().Be("top_k");
        options.AdditionalProperties.Should().HaveCount(3, "the caller's options are never mutated");
    }

    [Fact]
    public async Task Messages_given_as_a_one_shot_sequence_reach_the_arm_whole()
    {
        IEnumerable<ChatMessage>? seen = null;
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (m, _, _) =>
            {
                seen = m;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        using var router = new MetaLlmRouter([new RouterArm("a", client, Price(1, 1))], new() { FeatureDimension = 8 });

        await router.GetResponseAsync(OneShot(new ChatMessage(ChatRole.User, "hello")));

        seen.Should().ContainSingle().Which.Text.Should().Be("hello", "the featurizer read the sequence first");
    }

    [Fact]
    public void Arm_names_that_differ_only_by_case_are_rejected()
    {
        var client = TestChatClient.Answering("x", 1, 1);

        FluentActions.Invoking(() => new MetaLlmRouter([new RouterArm("gpt-4o", client, Price(1, 1)), new RouterArm("GPT-4o", client, Price(1, 1))]))
            .Should().Throw<ArgumentException>().WithParameterName("arms").WithMessage("*'gpt-4o' and 'GPT-4o' differ only by case*");
    }

    private static IEnumerable<ChatMessage> OneShot(ChatMessage message)
    {
        yield return message;
    }

    private static TestChatClient Recording(string modelId, List<string?> seen) => new()
    {
        GetServiceCallback = (type, _) => type == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, modelId) : null,
        GetResponseAsyncCallback = (_, o, _) =>
        {
            seen.Add(o?.ModelId);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        },
        GetStreamingResponseAsyncCallback = (_, o, _) =>
        {
            seen.Add(o?.ModelId);
            return new[] { new ChatResponseUpdate(ChatRole.Assistant, "ok") }.ToAsyncEnumerable();
        },
    };
}
