using MetaLlm.WebApi.Arms;
using Microsoft.Extensions.AI;

namespace MetaLlm.WebApi.Tests.Arms;

public sealed class FakeChatModelTests
{
    private const string Short = "What is the capital of Peru?";
    private const string Programming = "How do I catch an exception thrown by an async C# method when I await it in a loop?";
    private const string Long = "Explain the causes of the French revolution, the role of the estates, and how it ended, please.";

    [Theory]
    [InlineData("fake-mini", Short, true)]
    [InlineData("fake-mini", Programming, false)]
    [InlineData("fake-mini", Long, false)]
    [InlineData("fake-coder", Programming, true)]
    [InlineData("fake-coder", Long, false)]
    [InlineData("fake-large", Short, true)]
    [InlineData("fake-large", Programming, true)]
    [InlineData("fake-large", Long, true)]
    public async Task Each_fake_model_answers_its_skill_well_and_the_rest_vaguely(string name, string question, bool good)
    {
        var profile = FakeModels.All.Single(p => p.Name == name);
        using var model = new FakeChatModel(profile);

        var response = await model.GetResponseAsync([new ChatMessage(ChatRole.User, question)]);

        response.Text.Should().Be(good ? profile.GoodAnswer(question) : profile.VagueAnswer);
    }

    [Fact]
    public async Task A_fake_model_answers_the_same_question_the_same_way_and_reports_its_usage()
    {
        using var model = new FakeChatModel(FakeModels.All[0]);
        ChatMessage[] request = [new(ChatRole.System, "Be brief."), new(ChatRole.User, Short)];

        var first = await model.GetResponseAsync(request);
        var second = await model.GetResponseAsync(request);

        second.Text.Should().Be(first.Text);
        first.Usage!.InputTokenCount.Should().Be(("Be brief.".Length + Short.Length) / 4 + 8);
        first.Usage.OutputTokenCount.Should().Be(first.Text.Length / 4 + 1);
        first.Usage.TotalTokenCount.Should().Be(first.Usage.InputTokenCount + first.Usage.OutputTokenCount);
        second.Usage!.InputTokenCount.Should().Be(first.Usage.InputTokenCount);
        model.GetService<ChatClientMetadata>()!.DefaultModelId.Should().Be("fake-mini-1");
    }

    [Fact]
    public void The_fake_models_are_priced_from_cheap_to_dear()
    {
        FakeModels.All.Select(p => p.Pricing.OutputPerMillionTokens).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }
}
