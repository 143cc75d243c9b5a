using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public sealed class JsonLinesDecisionLogTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "metallm-jsonl-" + Guid.NewGuid().ToString("n"));

    private string File(string name = "decisions.jsonl") => Path.Combine(_directory, name);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Decisions_logged_by_a_router_read_back_equal_and_evaluate_as_the_in_memory_ones()
    {
        var memory = new InMemoryDecisionLog();
        var tee = new Tee(memory, new JsonLinesDecisionLog(File()));
        var arms = Answering(1000, 500, Price(1m, 2m), Price(10m, 30m), Price(3m, 6m));
        using (var router = new MetaLlmRouter(arms, new() { Policy = RoutingPolicyKind.EpsilonGreedy, EpsilonGreedy = { Epsilon = 0.5, Seed = 3 }, FeatureDimension = 16, DecisionLog = tee }))
        {
            for (int i = 0; i < 50; i++)
            {
                var response = await router.GetResponseAsync(Ask($"question {i} é ünïcode"));
                router.RecordFeedback(response.GetDecisionId()!, (i % 3) / 2.0);
            }
        }

        tee.File.Dispose();
        var read = JsonLinesDecisionLog.Read(File()).ToList();

        read.Should().BeEquivalentTo(memory.GetDecisions(), o => o.WithStrictOrdering()
            .Using<ReadOnlyMemory<float>>(c => c.Subject.ToArray().Should().Equal(c.Expectation.ToArray())).WhenTypeIs<ReadOnlyMemory<float>>()
            .Using<ReadOnlyMemory<bool>>(c => c.Subject.ToArray().Should().Equal(c.Expectation.ToArray())).WhenTypeIs<ReadOnlyMemory<bool>>());
        read.Select(d => d.ArmNames).Distinct().Should().ContainSingle("lines with the same arms share one list");
        var candidate = new FixedArm(2);
        OffPolicyEvaluator.EvaluateSelfNormalized(read, candidate).Score
            .Should().Be(OffPolicyEvaluator.EvaluateSelfNormalized(memory.GetDecisions(), candidate).Score);
        System.IO.File.ReadAllText(File()).Should().NotContain("question");
    }

    [Fact]
    public async Task Concurrent_appends_write_whole_lines()
    {
        using (var log = new JsonLinesDecisionLog(File()))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            {
                for (int i = 0; i < 500; i++)
                {
                    log.Append(DecisionLogTests.Decision($"{t}-{i}"));
                }
            })));
        }

        JsonLinesDecisionLog.Read(File()).Select(d => d.DecisionId).Should().HaveCount(2000).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Appending_continues_an_existing_file_and_flush_makes_lines_readable_while_it_is_open()
    {
        using (var first = new JsonLinesDecisionLog(File()))
        {
            first.Append(DecisionLogTests.Decision("a"));
        }

        using var second = new JsonLinesDecisionLog(File());
        second.Append(DecisionLogTests.Decision("b"));
        second.Flush();

        JsonLinesDecisionLog.Read(File()).Select(d => d.DecisionId).Should().Equal("a", "b");
        second.Path.Should().Be(Path.GetFullPath(File()));
    }

    [Fact]
    public void A_line_that_is_not_a_decision_is_reported_with_its_number_and_a_disposed_log_refuses_appends()
    {
        var log = new JsonLinesDecisionLog(File());
        log.Append(DecisionLogTests.Decision("a"));
        log.Dispose();
        log.Dispose();
        System.IO.File.AppendAllText(File(), "\n{\"id\":\"torn\",\"time\":");

        var read = () => JsonLinesDecisionLog.Read(File()).ToList();

        read.Should().Throw<InvalidDataException>().WithMessage("Line 3 of *");
        log.Invoking(l => l.Append(DecisionLogTests.Decision("b"))).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => JsonLinesDecisionLog.Read(" ")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task The_README_example_runs()
    {
        var arms = Answering(1000, 500, Price(0.15m, 0.60m), Price(2.50m, 10.00m));
        string path = File();

        // As in README.md, "Evaluating a policy on logged traffic".
        using var decisionLog = new JsonLinesDecisionLog(path);
        using var router = new MetaLlmRouter(arms, new MetaLlmRouterOptions
        {
            Policy = RoutingPolicyKind.EpsilonGreedy,
            EpsilonGreedy = { Epsilon = 0.1, Seed = 1 },
            DecisionLog = decisionLog,
        });
        for (int i = 0; i < 30; i++)
        {
            var response = await router.GetResponseAsync(Ask($"question {i}"));
            router.RecordFeedback(response.GetDecisionId()!, response.GetArmName() == "arm1" ? 1 : 0.5);
        }

        decisionLog.Flush();

        var log = JsonLinesDecisionLog.Read(path).ToList();
        var linUcb = new LinUcbPolicy(arms.Length, router.Featurizer.Dimension);
        linUcb.ImportStatistics(router.Policy.ExportStatistics());
        var candidate = new RoutingPolicyCandidate(linUcb, arms, costWeight: 0.5);
        OffPolicyEstimate estimate = OffPolicyEvaluator.EvaluateDoublyRobust(log, candidate, RidgeOutcomeModel.Fit(log));
        OffPolicyValue reward = estimate.GetReward(costWeight: 0.5);

        estimate.Count.Should().Be(30);
        reward.Estimate.Should().Be(estimate.Score.Estimate - (0.5 * estimate.Cost.Estimate));
        reward.Lower.Should().BeLessThan(reward.Upper);
    }

    private sealed class Tee(InMemoryDecisionLog memory, JsonLinesDecisionLog file) : IDecisionLog
    {
        public JsonLinesDecisionLog File => file;

        public void Append(LoggedDecision decision)
        {
            memory.Append(decision);
            file.Append(decision);
        }
    }

    private sealed class FixedArm(int arm) : ICandidatePolicy
    {
        public void GetProbabilities(LoggedDecision decision, Span<double> probabilities) => probabilities[arm] = 1;
    }
}
