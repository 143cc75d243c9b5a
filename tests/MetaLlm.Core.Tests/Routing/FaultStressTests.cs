using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>Many concurrent requests against arms that fail and hang: nothing escapes, nothing is lost or learned twice.</summary>
public class FaultStressTests
{
    [Fact]
    public async Task Sixteen_tasks_of_routed_requests_with_feedback_lose_and_double_nothing()
    {
        const int Tasks = 16, PerTask = 1_250;
        var clock = new FakeTimeProvider();
        int flakyCalls = 0;
        var good = TestChatClient.Answering("good", 20, 10);
        var flaky = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Interlocked.Increment(ref flakyCalls) % 3 == 0
                ? Task.FromException<ChatResponse>(new HttpRequestException("503"))
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "flaky")) { Usage = new() { InputTokenCount = 20, OutputTokenCount = 5 } }),
        };
        var hanging = new TestChatClient { GetResponseAsyncCallback = async (_, _, token) => { await Task.Delay(Timeout.InfiniteTimeSpan, clock, token); return new ChatResponse(); } };
        using var router = new MetaLlmRouter(
            [new RouterArm("good", good, Price(5, 5)), new RouterArm("flaky", flaky, Price(1, 1)), new RouterArm("hanging", hanging, Price(0.5m, 0.5m))],
            new()
            {
                FeatureDimension = 16,
                Policy = RoutingPolicyKind.EpsilonGreedy,
                EpsilonGreedy = { Epsilon = 0.3, Seed = 7 },
                AttemptTimeout = TimeSpan.FromSeconds(5),
                CircuitBreaker = { ConsecutiveFailures = 50, BreakDuration = TimeSpan.FromSeconds(20) },
                MaxPendingDecisions = 100_000,
            },
            timeProvider: clock);

        // Hangs end when the fake clock passes their attempt timeout; it moves on while the requests run.
        using var stop = new CancellationTokenSource();
        var ticking = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(1);
            }
        });

        var answered = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentDictionary<string, int>();
        var unexpected = new ConcurrentQueue<Exception>();
        int typedFailures = 0;
        var prompts = new TopicPrompts(seed: 1);
        var questions = Enumerable.Range(0, 64).Select(_ => prompts.Next().Prompt).ToArray();
        var workers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < PerTask; i++)
            {
                try
                {
                    var response = await router.GetResponseAsync(Ask(questions[(t * 7 + i) % questions.Length]));
                    Count(failures, (IReadOnlyList<ArmAttempt>)response.AdditionalProperties![MetaLlmPropertyNames.Attempts]!);
                    router.RecordFeedback(response.GetDecisionId()!, response.Text == "good" ? 1 : 0.5);
                    answered.AddOrUpdate(response.GetArmName()!, 1, (_, n) => n + 1);
                }
                catch (ArmAttemptsFailedException ex)
                {
                    Interlocked.Increment(ref typedFailures);
                    Count(failures, ex.Attempts);
                }
                catch (Exception ex)
                {
                    unexpected.Enqueue(ex);
                }
            }
        })).ToArray();

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await ticking;

        unexpected.Should().BeEmpty();
        (answered.Values.Sum() + typedFailures).Should().Be(Tasks * PerTask, "every request was answered or failed with the typed exception");
        var policy = (LinearBanditPolicy)router.Policy;
        var health = router.GetArmHealth();
        for (int arm = 0; arm < 3; arm++)
        {
            string name = router.Arms[arm].Name;
            policy.GetObservationCount(arm).Should().Be(answered.GetValueOrDefault(name), $"arm {name} learned from exactly its feedback");
            health[arm].Failures.Should().Be(failures.GetValueOrDefault(name), $"arm {name} counted exactly its failures");
        }

        failures.GetValueOrDefault("hanging").Should().BeGreaterThan(0, "some requests went to the hanging arm and timed out");
        failures.GetValueOrDefault("flaky").Should().BeGreaterThan(0);
    }

    private static void Count(ConcurrentDictionary<string, int> failures, IReadOnlyList<ArmAttempt> attempts)
    {
        foreach (var attempt in attempts.Where(a => a.Outcome == ArmAttemptOutcome.FailedTransiently))
        {
            failures.AddOrUpdate(attempt.ArmName, 1, (_, n) => n + 1);
        }
    }
}
