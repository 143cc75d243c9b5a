namespace MetaLlm.Tests;

/// <summary>Runs a policy online on a <see cref="ClusteredBanditProblem"/> and records every round.</summary>
internal static class BanditSimulation
{
    public static Round[] Run(IRoutingPolicy policy, ClusteredBanditProblem problem, int rounds)
    {
        var log = new Round[rounds];
        var estimates = new ArmEstimate[policy.ArmCount];
        for (int t = 0; t < rounds; t++)
        {
            var (context, region) = problem.NextContext();
            var decision = policy.Decide(context, estimates);
            double reward = problem.SampleReward(region, decision.Arm);
            policy.Update(decision.Arm, context, reward);
            log[t] = new Round(context, region, decision.Arm, decision.Propensity, reward, problem.Regret(region, decision.Arm), decision.Arm == problem.BestArms[region]);
        }

        return log;
    }

    public static int[] Arms(this IEnumerable<Round> rounds) => rounds.Select(r => r.Arm).ToArray();

    public sealed record Round(float[] Context, int Region, int Arm, double Propensity, double Reward, double Regret, bool ChoseBest);
}
