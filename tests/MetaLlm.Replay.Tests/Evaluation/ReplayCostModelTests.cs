using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Evaluation;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Tests.Evaluation;

public sealed class ReplayCostModelTests
{
    [Fact]
    public void Without_tokens_input_is_estimated_from_characters_and_output_is_assumed()
    {
        var query = Query(new string('x', 10), new RecordedOutcome(1), new RecordedOutcome(0, InputTokens: 7, OutputTokens: 2));
        var dataset = new ReplayDataset("d", "d.json", ["a", "b"], [query]);
        var prices = new Dictionary<string, ModelPricing> { ["a"] = new(1m, 2m), ["b"] = new(3m, 4m) };

        var costs = ReplayCostModel.Apply(dataset.Arms, dataset, null, prices, "p.json", assumedOutputTokens: 50);

        query.Usage.Should().Equal(new TokenUsage(3, 50), new TokenUsage(7, 2));
        costs.CostReferenceUsd.Should().BeNull();
        costs.Cost(0, query.Usage[0]).Should().Be(((3 * 1m) + (50 * 2m)) / 1_000_000m);
        costs.Description.Should().Contain("characters / 4").And.Contain("assumed 50");
    }

    [Fact]
    public void Recorded_dollars_are_reproduced_by_the_router_arithmetic()
    {
        var cheap = Query("q", new RecordedOutcome(1, 0.000041m), new RecordedOutcome(1, 0.012345678m));
        var dear = Query("r", new RecordedOutcome(0, 0.000001m), new RecordedOutcome(1, 0.020000001m));
        var dataset = new ReplayDataset("d", "d.csv", ["a", "b"], [cheap, dear]);

        var costs = ReplayCostModel.Apply(dataset.Arms, dataset, null, null, null, 200);

        costs.Cost(0, cheap.Usage[0]).Should().Be(0.000041m);
        costs.Cost(1, cheap.Usage[1]).Should().Be(0.012345678m);
        costs.Cost(1, dear.Usage[1]).Should().Be(0.020000001m);
        costs.CostReferenceUsd.Should().Be((0.012345678m + 0.020000001m) / 2, "the dearest model's mean cost per query is one unit");
    }

    [Fact]
    public void A_model_without_cost_or_price_is_an_error_naming_it()
    {
        var dataset = new ReplayDataset("d", "d.json", ["a", "b"], [Query("q", new RecordedOutcome(1), new RecordedOutcome(1))]);
        var prices = new Dictionary<string, ModelPricing> { ["a"] = new(1m, 1m) };

        var act = () => ReplayCostModel.Apply(dataset.Arms, dataset, null, prices, "p.json", 200);

        act.Should().Throw<ReplayDataException>().Which.Message.Should().Contain("'b'").And.Contain("p.json");
    }

    private static ReplayQuery Query(string prompt, params RecordedOutcome[] outcomes) =>
        new("1", 1, [new ChatMessage(ChatRole.User, prompt)], outcomes);
}
