namespace MetaLlm.Tests;

/// <summary>Decisions running while updates are applied must see whole, consistent states.</summary>
public class ConcurrentPolicyTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(96)]
    public async Task Decisions_during_updates_see_consistent_states_and_no_update_is_lost(int dimension)
    {
        const int Arms = 3;
        const int Updates = 400;
        using var policy = new LinUcbPolicy(Arms, dimension, new() { Seed = 1 });
        using var sequential = new LinUcbPolicy(Arms, dimension, new() { Seed = 1 });
        var random = new Random(12);
        var contexts = Enumerable.Range(0, Updates).Select(_ => LinearBanditPolicyTests.RandomContext(random, dimension)).ToArray();
        var rewards = Enumerable.Range(0, Updates).Select(_ => random.NextDouble()).ToArray();

        // A probe context the arms' widths can only shrink along: every decision must see a width between the
        // prior's and the final one, and never a half-written (non-finite or negative) value.
        var probe = LinearBanditPolicyTests.RandomContext(new Random(99), dimension);
        using var done = new ManualResetEventSlim();
        using var started = new SemaphoreSlim(0);
        var widths = new List<double>();
        var reader = Task.Run(() =>
        {
            var estimates = new ArmEstimate[Arms];
            while (!done.IsSet)
            {
                policy.Decide(probe, estimates);
                widths.Add(estimates[0].Uncertainty);
                if (widths.Count == 1)
                {
                    started.Release();
                }
            }
        });

        await started.WaitAsync();
        for (int t = 0; t < Updates; t++)
        {
            policy.Update(t % Arms, contexts[t], rewards[t]);
            sequential.Update(t % Arms, contexts[t], rewards[t]);
        }

        done.Set();
        await reader;

        var final = new ArmEstimate[Arms];
        sequential.Decide(probe, final);
        double prior = Math.Sqrt(probe.Sum(v => (double)v * v));
        widths.Should().NotBeEmpty().And.OnlyContain(w => double.IsFinite(w) && w >= final[0].Uncertainty * (1 - 1e-4) && w <= prior * (1 + 1e-4));
        for (int arm = 0; arm < Arms; arm++)
        {
            policy.GetWeights(arm).Should().Equal(sequential.GetWeights(arm));
        }
    }
}
