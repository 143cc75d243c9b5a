using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Tests.DatasetReaders;

public sealed class LlmRouterJsonReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_questions_and_scores_with_their_lines()
    {
        string path = _files.Write("split.json", """
            [
              {"question": "Q: 1+1?", "scores": {"small": 1.0, "large": 0.5}, "cluster_id": 3},
              {
                "question": "Write a function.",
                "scores": {"large": 1, "small": 0}
              }
            ]
            """);

        var dataset = LlmRouterJsonReader.Read(path);

        dataset.Name.Should().Be("split");
        dataset.Arms.Should().Equal("small", "large");
        dataset.Queries.Select(q => q.Line).Should().Equal(2, 3);
        dataset.Queries[0].Messages.Single().Text.Should().Be("Q: 1+1?");
        dataset.Queries[1].Outcomes.Select(o => o.Score).Should().Equal(0.0, 1.0);
        dataset.Queries.SelectMany(q => q.Outcomes).Should().OnlyContain(o => o.CostUsd == null && o.InputTokens == null);
        dataset.Queries.Select(q => q.ClusterId).Should().Equal(3, null);
    }

    [Fact]
    public void A_cluster_id_that_is_not_an_integer_is_reported_with_its_line()
    {
        string path = _files.Write("clusters.json", "[\n{\"question\": \"a\", \"scores\": {\"m\": 1}, \"cluster_id\": \"x\"}\n]");

        var act = () => LlmRouterJsonReader.Read(path);

        var error = act.Should().Throw<ReplayDataException>().Which;
        error.Line.Should().Be(2);
        error.Message.Should().Contain("\"cluster_id\" is \"x\"; it must be an integer");
    }

    [Theory]
    [InlineData("[\n{\"question\": \"a\", \"scores\": {\"m\": 1}},\n{\"question\": \"b\", \"scores\": {\"m\": 2}}\n]", 3, "score 2")]
    [InlineData("[\n{\"question\": \"a\", \"scores\": {\"m\": 1}},\n{\"scores\": {\"m\": 1}}\n]", 3, "missing \"question\"")]
    [InlineData("[\n{\"question\": \"a\", \"scores\": {\"m\": 1}},\n{\"question\": \"b\", \"scores\": {\"n\": 1}}\n]", 3, "differ")]
    [InlineData("[\n{\"question\": \"a\", \"scores\": {\"m\": 1}},\n{\"question\": \"b\" \"scores\": {}}\n]", 3, "not valid JSON")]
    [InlineData("{\"question\": \"a\"}", 1, "JSON array")]
    public void A_bad_entry_is_reported_with_its_line(string content, int line, string problem)
    {
        string path = _files.Write("bad.json", content);

        var act = () => LlmRouterJsonReader.Read(path);

        var error = act.Should().Throw<ReplayDataException>().Which;
        error.Line.Should().Be(line);
        error.Message.Should().Contain(path).And.Contain(problem);
    }

    [Fact]
    public void An_empty_array_is_rejected()
    {
        string path = _files.Write("empty.json", "[]");

        var act = () => LlmRouterJsonReader.Read(path);

        act.Should().Throw<ReplayDataException>().WithMessage("*no questions*");
    }
}
