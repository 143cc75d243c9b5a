namespace MetaLlm.Tests;

/// <summary>
/// The policy calls of tests written for a single reward: a reward is learned as the score of an answer that cost
/// nothing, so the cost term is zero and the policy's score model is the reward model the test checks.
/// </summary>
internal static class PolicyTestExtensions
{
    public static PolicyDecision Decide(this IRoutingPolicy policy, ReadOnlySpan<float> context, Span<ArmEstimate> estimates)
    {
        policy.Estimate(context, 0, estimates);
        return policy.Choose(estimates, []);
    }

    public static void Update(this IRoutingPolicy policy, int arm, ReadOnlySpan<float> context, double reward) =>
        policy.Update(arm, context, new ArmObservation(reward, default, 0));

    public static void Fit(this IRoutingPolicy policy, ReadOnlySpan<float> contexts, ReadOnlySpan<double> rewards, int count)
    {
        var observations = new ArmObservation[rewards.Length];
        for (int i = 0; i < rewards.Length; i++)
        {
            observations[i] = new ArmObservation(rewards[i], default, 0);
        }

        policy.Fit(contexts, observations, count);
    }

    public static double[] GetWeights(this LinearBanditPolicy policy, int arm) => policy.GetScoreWeights(arm);

    public static IReadOnlyList<ArmStatistics> ExportState(this IRoutingPolicy policy) => policy.ExportStatistics();

    public static void Update(this RidgeRegressionModel model, ReadOnlySpan<double> context, double reward) => model.Update(context, reward, 0);

    public static double Predict(this RidgeRegressionModel model, ReadOnlySpan<double> context) => model.PredictScore(context);
}
