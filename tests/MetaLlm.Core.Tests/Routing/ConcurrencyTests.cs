using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class ConcurrencyTests
{
    private const int Tasks = 8;
    private const int RequestsPerTask = 500;

    [Theory]
    [InlineData(RoutingPolicyKind.LinUcb)]
    [InlineData(RoutingPolicyKind.ThompsonSampling)]
    [InlineData(RoutingPolicyKind.EpsilonGreedy)]
    public async Task Parallel_requests_and_feedback_lose_nothing(RoutingPolicyKind kind)
    {
        using var router = new MetaLlmRouter(
            Answering(200, 50, Price(1, 2), Price(3, 6), Price(10, 30)),
            new() { Policy = kind, FeatureDimension = 32, LinUcb = { Seed = 1 }, ThompsonSampling = { Seed = 1 }, EpsilonGreedy = { Seed = 1 }, CostWeight = 0.3 });
        var ids = new ConcurrentBag<string>();
        int feedbackGiven = 0;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(task => Task.Run(async () =>
        {
            var prompts = new TopicPrompts(seed: task);
            for (int i = 0; i < RequestsPerTask; i++)
            {
                var response = await router.GetResponseAsync(Ask(prompts.Next().Prompt));
                string id = response.GetDecisionId()!;
                ids.Add(id);

                // Every third answer goes unrated, so the count shows feedback, not requests, drives learning.
                if (i % 3 != 0)
                {
                    router.RecordFeedback(id, (i % 5) / 4.0);
                    Interlocked.Increment(ref feedbackGiven);
                }
            }
        })));

        var policy = (LinearBanditPolicy)router.Policy;
        long observations = Enumerable.Range(0, 3).Sum(policy.GetObservationCount);
        observations.Should().Be(feedbackGiven);
        feedbackGiven.Should().Be(Tasks * (RequestsPerTask - ((RequestsPerTask + 2) / 3)));
        ids.Should().HaveCount(Tasks * RequestsPerTask).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Racing_feedback_for_one_decision_is_learned_exactly_once()
    {
        using var policy = new LinUcbPolicy(2, 16, new() { Seed = 1 });
        using var router = new MetaLlmRouter(Answering(10, 10, Price(1, 1), Price(2, 2)), policy: policy, featurizer: new HashingFeaturizer(16));
        var responses = new List<ChatResponse>();
        for (int i = 0; i < 200; i++)
        {
            responses.Add(await router.GetResponseAsync(Ask($"question {i}")));
        }

        int accepted = 0, refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            foreach (var response in responses)
            {
                try
                {
                    router.RecordFeedback(response.GetDecisionId()!, 1.0);
                    Interlocked.Increment(ref accepted);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        accepted.Should().Be(200);
        refused.Should().Be(600);
        (policy.GetObservationCount(0) + policy.GetObservationCount(1)).Should().Be(200);
    }

    [Fact]
    public async Task Routing_streaming_and_feedback_can_interleave_with_a_warm_start()
    {
        using var router = WarmStartTests.NewRouter(exploration: 0.2);
        var examples = WarmStartTests.Examples(new TopicPrompts(seed: 4), perTopic: 25);
        int feedback = 0;

        var warm = Task.Run(() => router.WarmStartAsync(examples));
        var online = Enumerable.Range(0, 4).Select(task => Task.Run(async () =>
        {
            var prompts = new TopicPrompts(seed: 100 + task);
            for (int i = 0; i < 100; i++)
            {
                var decision = await router.RouteAsync(Ask(prompts.Next().Prompt));
                router.RecordFeedback(decision.DecisionId, 0.5, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 });
                Interlocked.Increment(ref feedback);
            }
        }));
        await Task.WhenAll(online.Append(warm));

        var policy = (LinearBanditPolicy)router.Policy;
        Enumerable.Range(0, 4).Sum(policy.GetObservationCount).Should().Be((4 * examples.Count) + feedback);
    }
}
