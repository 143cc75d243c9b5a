using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Tests.Experiments;

public sealed class RecordedChatClientTests
{
    [Fact]
    public async Task Answers_with_the_recorded_response_and_usage_of_its_model()
    {
        var query = new ReplayQuery("q", 1, [new ChatMessage(ChatRole.User, "hi")], [new RecordedOutcome(1, Response: "A"), new RecordedOutcome(0)])
        {
            Usage = [new TokenUsage(10, 2), new TokenUsage(11, 3)],
        };

        var first = await new RecordedChatClient(0, "a").GetResponseAsync(query.Messages, query.Options);
        var second = await new RecordedChatClient(1, "b").GetResponseAsync(query.Messages, query.Options);

        first.Text.Should().Be("A");
        first.ModelId.Should().Be("a");
        first.Usage!.InputTokenCount.Should().Be(10);
        first.Usage.OutputTokenCount.Should().Be(2);
        second.Text.Should().BeEmpty("a model without a recorded response answers with an empty message");
        second.Usage!.InputTokenCount.Should().Be(11);
    }

    [Fact]
    public async Task A_request_without_its_recorded_query_is_refused()
    {
        var act = () => new RecordedChatClient(0, "a").GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*'a'*replay.query*");
    }
}
