namespace MetaLlm.Tests;

/// <summary>
/// The small closed loop the seeded-sequence tests record: 3 arms, 6 features, 30 rounds of a seeded clustered
/// problem. Short enough to read, long enough that exploration and learning both shape the sequence.
/// </summary>
internal static class SequenceScenario
{
    public const int Arms = 3;
    public const int Dimension = 6;
    public const int Rounds = 30;

    public static ClusteredBanditProblem Problem() => new(seed: 2024, Dimension, Arms, regionCount: 3);

    public static BanditSimulation.Round[] Run(IRoutingPolicy policy) => BanditSimulation.Run(policy, Problem(), Rounds);

    /// <summary>The reference models of every arm after the rounds before <paramref name="t"/>.</summary>
    public static ClosedFormRidge[] ReferenceBefore(BanditSimulation.Round[] log, int t, double regularization = 1.0) =>
        ClosedFormRidge.PerArm(log.Take(t).Select(r => (r.Arm, r.Context, r.Reward)).ToList(), Arms, Dimension, regularization);
}
