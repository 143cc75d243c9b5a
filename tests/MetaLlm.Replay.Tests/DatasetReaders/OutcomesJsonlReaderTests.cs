using MetaLlm.Replay.DatasetReaders;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Tests.DatasetReaders;

public sealed class OutcomesJsonlReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_prompt_and_messages_lines_with_every_field()
    {
        string path = _files.Write("outcomes.jsonl", """
            {"id": "q1", "prompt": "What is 2+2?", "label": "4", "outcomes": {"a": {"score": 1.0, "cost": 0.000041, "inputTokens": 12, "outputTokens": 3, "response": "4"}, "b": {"score": 0.0, "inputTokens": 14, "outputTokens": 5}}}

            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}], "outcomes": {"b": {"score": 0.5}, "a": {"score": 1}}}
            """);

        var dataset = OutcomesJsonlReader.Read(path);

        dataset.Arms.Should().Equal("a", "b");
        dataset.Queries.Should().HaveCount(2);
        var first = dataset.Queries[0];
        first.Id.Should().Be("q1");
        first.Line.Should().Be(1);
        first.Messages.Should().ContainSingle().Which.Text.Should().Be("What is 2+2?");
        first.Outcomes[0].Should().Be(new RecordedOutcome(1.0, 0.000041m, 12, 3, "4"));
        first.Outcomes[1].Should().Be(new RecordedOutcome(0.0, null, 14, 5, null));

        var second = dataset.Queries[1];
        second.Id.Should().Be("3");
        second.Line.Should().Be(3);
        second.Messages.Select(m => m.Role).Should().Equal(ChatRole.System, ChatRole.User);
        second.Messages[1].Text.Should().Be("Capital of France?");
        second.Outcomes.Select(o => o.Score).Should().Equal(1.0, 0.5);
        second.Outcomes[0].CostUsd.Should().BeNull();
    }

    [Theory]
    [InlineData("{\"prompt\": \"x\", \"outcomes\": {\"a\": {\"score\": 1.5}}}", "score 1.5")]
    [InlineData("{\"prompt\": \"x\", \"outcomes\": {\"a\": {\"cost\": 0.1}}}", "no numeric \"score\"")]
    [InlineData("{\"prompt\": \"x\", \"outcomes\": {\"a\": {\"score\": 1, \"cost\": -1}}}", "non-negative")]
    [InlineData("{\"outcomes\": {\"a\": {\"score\": 1}}}", "missing \"prompt\"")]
    [InlineData("{\"prompt\": \"x\"}", "missing \"outcomes\"")]
    [InlineData("{\"prompt\": \"x\", \"outcomes\": {\"a\": {\"score\": 1}}", "not valid JSON")]
    [InlineData("{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}], \"outcomes\": {\"a\": {\"score\": 1}}}", "role 'robot'")]
    public void A_bad_line_is_reported_with_file_line_and_problem(string badLine, string problem)
    {
        string path = _files.Write("bad.jsonl", "{\"prompt\": \"ok\", \"outcomes\": {\"a\": {\"score\": 1}}}\n" + badLine + "\n");

        var act = () => OutcomesJsonlReader.Read(path);

        var error = act.Should().Throw<ReplayDataException>().Which;
        error.FilePath.Should().Be(path);
        error.Line.Should().Be(2);
        error.Message.Should().Contain(path).And.Contain("line 2").And.Contain(problem);
    }

    [Fact]
    public void Lines_with_different_models_are_rejected()
    {
        string path = _files.Write("mixed.jsonl", """
            {"prompt": "x", "outcomes": {"a": {"score": 1}, "b": {"score": 0}}}
            {"prompt": "y", "outcomes": {"a": {"score": 1}, "c": {"score": 0}}}
            """);

        var act = () => OutcomesJsonlReader.Read(path);

        act.Should().Throw<ReplayDataException>().Which.Message.Should().Contain("line 2").And.Contain("differ");
    }

    [Fact]
    public void An_empty_file_is_rejected()
    {
        string path = _files.Write("empty.jsonl", "\n\n");

        var act = () => OutcomesJsonlReader.Read(path);

        act.Should().Throw<ReplayDataException>().WithMessage("*no queries*");
    }
}
