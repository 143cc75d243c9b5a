using MetaLlm.Replay.DatasetReaders;

namespace MetaLlm.Replay.Tests.DatasetReaders;

public sealed class PriceTableReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_the_plain_shape_and_the_llm_candidates_shape()
    {
        string plain = _files.Write("prices.json", """{"a": {"input": 0.15, "output": 0.6}}""");
        string candidates = _files.Write("llm_candidates.json", """{"b": {"size": "7B", "feature": "…", "input_price": 0.2, "output_price": 0.3, "model": "x/b"}}""");

        PriceTableReader.Read(plain)["a"].Should().Be(new ModelPricing(0.15m, 0.6m));
        PriceTableReader.Read(candidates)["b"].Should().Be(new ModelPricing(0.2m, 0.3m));
    }

    [Theory]
    [InlineData("""{"a": {"input": 1}}""", "no \"output\"")]
    [InlineData("""{"a": {"input": -1, "output": 1}}""", "non-negative")]
    [InlineData("""[1]""", "JSON object")]
    [InlineData("""{}""", "no model")]
    public void Bad_prices_are_rejected(string content, string problem)
    {
        string path = _files.Write("prices.json", content);

        var act = () => PriceTableReader.Read(path);

        act.Should().Throw<ReplayDataException>().Which.Message.Should().Contain(path).And.Contain(problem);
    }
}
