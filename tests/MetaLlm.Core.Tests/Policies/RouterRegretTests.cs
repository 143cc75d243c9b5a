using Xunit.Abstractions;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>The whole loop through <see cref="MetaLlmRouter"/>: hashed text features, fake arms, feedback by decision id.</summary>
public class RouterRegretTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_router_ends_choosing_each_topic_s_best_arm()
    {
        // Four arms at one price (so the best arm is the most accurate); each topic's best arm is right 80% of the
        // time, the others 20–50%. LinUCB α = 0.5 on 128 hashed features, λ = 0.2 on the (equal) cost.
        const int Rounds = 3_000, Window = 500;
        var arms = Answering(200, 100, Price(1, 2), Price(1, 2), Price(1, 2), Price(1, 2));
        using var router = new MetaLlmRouter(arms, new() { FeatureDimension = 128, LinUcb = { Alpha = 0.5, Seed = 21 }, CostWeight = 0.2 });
        var problem = new ClusteredBanditProblem(seed: 21, armCount: 4, regionCount: TopicPrompts.TopicCount);
        var prompts = new TopicPrompts(seed: 21);
        var grades = new Random(22);
        var choseBest = new List<bool>();
        var regret = new List<double>();

        for (int t = 0; t < Rounds; t++)
        {
            var (topic, prompt) = prompts.Next();
            var response = await router.GetResponseAsync(Ask(prompt));
            int arm = int.Parse(response.GetArmName()!["arm".Length..], System.Globalization.CultureInfo.InvariantCulture);
            double score = grades.NextDouble() < problem.MeanReward(topic, arm) ? 1 : 0;
            router.RecordFeedback(response.GetDecisionId()!, score);
            choseBest.Add(arm == problem.BestArms[topic]);
            regret.Add(problem.Regret(topic, arm));
        }

        double first = regret.Take(Window).Average(), last = regret.TakeLast(Window).Average();
        double bestShare = choseBest.TakeLast(Window).Average(b => b ? 1.0 : 0.0);
        output.WriteLine($"router/linucb: regret/round first {Window} = {first:F4}, last {Window} = {last:F4}, best arm in last {Window} = {bestShare:P1}");

        bestShare.Should().BeGreaterThan(0.9);
        last.Should().BeLessThan(first / 4);
    }
}
