using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MetaLlm.Providers.Tests.Bedrock;

public sealed class BedrockConverseRequestTests
{
    [Fact]
    public void Consecutive_turns_of_one_role_are_merged_and_history_keeps_its_order()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, "First sentence."),
            new(ChatRole.User, "Second sentence."),
            new(ChatRole.Assistant, "positive"),
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Third sentence."),
        ];

        using var json = JsonDocument.Parse(BedrockConverseRequest.Write(messages, options: null));
        var turns = json.RootElement.GetProperty("messages").EnumerateArray().ToList();

        turns.Select(t => t.GetProperty("role").GetString()).Should().Equal("user", "assistant", "user");
        turns[0].GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()).Should().Equal("First sentence.", "Second sentence.");
        json.RootElement.GetProperty("system")[0].GetProperty("text").GetString().Should().Be("Be brief.");
        json.RootElement.TryGetProperty("inferenceConfig", out _).Should().BeFalse();
        json.RootElement.TryGetProperty("additionalModelRequestFields", out _).Should().BeFalse();
    }

    [Fact]
    public void Top_k_travels_as_a_model_specific_field()
    {
        using var json = JsonDocument.Parse(BedrockConverseRequest.Write([new ChatMessage(ChatRole.User, "x")], new ChatOptions { TopK = 40 }));

        json.RootElement.GetProperty("additionalModelRequestFields").GetProperty("top_k").GetInt32().Should().Be(40);
    }
}
