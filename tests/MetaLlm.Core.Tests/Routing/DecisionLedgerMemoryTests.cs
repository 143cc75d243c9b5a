using Microsoft.Extensions.AI;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>The memory the router keeps for feedback stays proportional to the decisions it keeps.</summary>
/// <remarks>Measured with the process's allocated memory, so these tests run alone, not beside other test classes.</remarks>
[Collection(MemoryMeasurement.Name)]
public class DecisionLedgerMemoryTests
{
    private const int Dimension = 512;

    [Fact]
    public async Task Failed_requests_do_not_keep_their_contexts()
    {
        bool down = false;
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => down
                ? throw new HttpRequestException("down")
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new() { InputTokenCount = 1, OutputTokenCount = 1 } }),
        };
        using var router = new MetaLlmRouter([new RouterArm("flaky", client, Price(1, 1))], new() { FeatureDimension = Dimension, CircuitBreaker = { Enabled = false } });

        // One answered decision still waiting for feedback sits at the front of the ledger, as in production.
        await router.GetResponseAsync(Ask("q"));
        down = true;
        long before = Retained();

        for (int i = 0; i < 20_000; i++)
        {
            await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>();
        }

        // Each context is 2 KB; what stays per failed decision (its id and state) is a small fraction of that.
        long perDecision = (Retained() - before) / 20_000;
        perDecision.Should().BeLessThan(512, "a failed decision keeps no 2 KB context");
        GC.KeepAlive(router);
    }

    [Fact]
    public async Task At_the_cap_memory_is_that_of_the_cap_not_of_all_decisions_ever_made()
    {
        const int Cap = 2_000;
        using var router = new MetaLlmRouter(Answering(1, 1, Price(1, 1)), new() { FeatureDimension = Dimension, MaxPendingDecisions = Cap });
        long before = Retained();
        for (int i = 0; i < Cap; i++)
        {
            await router.GetResponseAsync(Ask("q"));
        }

        long atCap = Retained() - before;
        for (int i = 0; i < 10 * Cap; i++)
        {
            await router.GetResponseAsync(Ask("q"));
        }

        long afterMany = Retained() - before;
        router.PendingDecisionCount.Should().Be(Cap);
        afterMany.Should().BeLessThan((long)(atCap * 1.25), "dropped decisions must not linger (2.2x the cap's footprint was seen before)");
    }

    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Tests that measure the process's memory, run after the parallel ones and alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement";
}
