using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Tests.DatasetReaders;

public sealed class RouterBenchCsvReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_quoted_multi_line_prompts_empty_scores_responses_and_ignores_other_columns()
    {
        string path = _files.Write("bench.csv",
            "sample_id,prompt,eval_name,gpt-4,gpt-4|total_cost,gpt-4|model_response,mixtral,mixtral|total_cost,oracle_model_to_route_to\r\n" +
            "s1,\"Line one,\nline \"\"two\"\"\",mmlu,1,0.0031,\"B\",,0.0002,gpt-4\r\n" +
            "s2,plain prompt,gsm8k,0.5,0.002,\"multi\nline answer\",1.0,0.0001,mixtral\n");

        var dataset = RouterBenchCsvReader.Read(path);

        dataset.Arms.Should().Equal("gpt-4", "mixtral");
        dataset.Queries.Should().HaveCount(2);
        var first = dataset.Queries[0];
        first.Messages.Single().Text.Should().Be("Line one,\nline \"two\"");
        first.Line.Should().Be(2);
        first.Outcomes[0].Should().Be(new RecordedOutcome(1, 0.0031m, Response: "B"));
        first.Outcomes[1].Should().Be(new RecordedOutcome(0, 0.0002m), "an empty score counts as 0 and there is no response column");
        var second = dataset.Queries[1];
        second.Line.Should().Be(4, "the first record spans two lines");
        second.Outcomes[0].Response.Should().Be("multi\nline answer");
        second.Outcomes.Select(o => o.Score).Should().Equal(0.5, 1.0);
    }

    [Fact]
    public void An_empty_cost_cell_is_left_for_the_price_file()
    {
        string path = _files.Write("bench.csv", "prompt,a,a|total_cost\nhello,1,\n");

        var dataset = RouterBenchCsvReader.Read(path);

        dataset.Queries.Single().Outcomes.Single().CostUsd.Should().BeNull();
    }

    [Fact]
    public void Keeps_backslashes_and_spaces_skips_empty_lines_and_a_byte_order_mark_and_counts_every_line()
    {
        string path = _files.Write("bench.csv",
            "\uFEFFprompt,a,a|total_cost\r\n" +
            "\r\n" +
            "\"C:\\temp\\\",1,0.1\r\n" +
            "\n" +
            "  two spaces ,0,0.2\n");

        var dataset = RouterBenchCsvReader.Read(path);

        dataset.Arms.Should().Equal("a");
        dataset.Queries.Select(q => q.Messages.Single().Text).Should().Equal("C:\\temp\\", "  two spaces ");
        dataset.Queries.Select(q => q.Line).Should().Equal([3, 5], "empty lines are skipped but still counted");
    }

    [Theory]
    [InlineData("prompt,a,a|total_cost\n\"x,1,0.1\n", 2, "never closed")]
    [InlineData("prompt,a,a|total_cost\nx,1,0.1\n\n\"y\ny\",1,0.1\nab\"c,1,0.1\n", 6, "does not start with '\"'")]
    [InlineData("prompt,a,a|total_cost\n\"x\"y,1,0.1\n", 2, "text follows the closing")]
    [InlineData("prompt,\"a,a|total_cost\nx,1,0.1\n", 1, "never closed")]
    [InlineData("prompt,a,a|total_cost\nx,1,0.1\ny,yes,0.1\n", 3, "score 'yes'")]
    [InlineData("prompt,a,a|total_cost\nx,1,0.1\n\"y\ny\",1\n", 3, "2 fields")]
    [InlineData("prompt,a,a|total_cost\nx,1,-3\n", 2, "total_cost '-3'")]
    [InlineData("prompt,a,a|total_cost\nx,1.2,0.1\n", 2, "score '1.2'")]
    public void A_bad_row_is_reported_with_its_line(string content, int line, string problem)
    {
        string path = _files.Write("bad.csv", content);

        var act = () => RouterBenchCsvReader.Read(path);

        var error = act.Should().Throw<ReplayDataException>().Which;
        error.Line.Should().Be(line);
        error.Message.Should().Contain(path).And.Contain(problem);
    }

    [Theory]
    [InlineData("a,a|total_cost\n1,0.1\n", "no 'prompt' column")]
    [InlineData("prompt,a\nx,1\n", "names no model")]
    [InlineData("prompt,a|total_cost\nx,0.1\n", "no score column 'a'")]
    [InlineData("prompt,a,a|total_cost\n", "no rows")]
    [InlineData("", "empty")]
    public void A_bad_header_or_empty_file_is_rejected(string content, string problem)
    {
        string path = _files.Write("bad.csv", content);

        var act = () => RouterBenchCsvReader.Read(path);

        act.Should().Throw<ReplayDataException>().Which.Message.Should().Contain(problem);
    }
}
