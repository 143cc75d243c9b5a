using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

public class RoutingPolicyCandidateTests
{
    private static readonly RouterArm[] Arms = Answering(100, 50, Price(1m, 2m), Price(10m, 30m), Price(3m, 6m));

    private static LoggedDecision Decision(bool[]? eligible = null, string[]? names = null, int dimension = 4) => new()
    {
        DecisionId = "d",
        PolicyName = "epsilon-greedy",
        ArmNames = names ?? ["arm0", "arm1", "arm2"],
        Features = Enumerable.Range(0, dimension).Select(i => i == 0 ? 1f : 0.5f).ToArray(),
        EstimatedInputTokens = 100,
        Eligible = eligible ?? [],
        ArmIndex = 0,
        Propensity = 0.5,
        Score = 1,
        NormalizedCost = 0.1,
    };

    private static EpsilonGreedyPolicy Trained(double epsilon)
    {
        var policy = new EpsilonGreedyPolicy(3, 4, new EpsilonGreedyPolicyOptions { Epsilon = epsilon, Seed = 1 });
        float[] x = [1, 0.5f, 0.5f, 0.5f];
        for (int i = 0; i < 20; i++)
        {
            policy.Update(0, x, new ArmObservation(0.2, BilledTokens.Uncached(100, 50), 100));
            policy.Update(1, x, new ArmObservation(0.9, BilledTokens.Uncached(100, 50), 100));
            policy.Update(2, x, new ArmObservation(0.5, BilledTokens.Uncached(100, 50), 100));
        }

        return policy;
    }

    [Fact]
    public void An_epsilon_greedy_candidate_gives_its_exact_probabilities_over_the_eligible_arms()
    {
        var candidate = new RoutingPolicyCandidate(Trained(0.3), Arms, costWeight: 0);
        var p = new double[3];

        candidate.GetProbabilities(Decision(), p);
        p.Should().Equal([0.1, 0.8, 0.1], (a, b) => Math.Abs(a - b) < 1e-12);

        Array.Clear(p);
        candidate.GetProbabilities(Decision(eligible: [true, false, true]), p);
        p.Should().Equal([0.15, 0, 0.85], (a, b) => Math.Abs(a - b) < 1e-12, "the greedy arm is not eligible, so the next best takes 1 − ε");
    }

    [Fact]
    public void The_cost_weight_prices_the_candidate_s_choice_as_the_router_would()
    {
        var p = new double[3];
        new RoutingPolicyCandidate(Trained(0), Arms, costWeight: 1).GetProbabilities(Decision(), p);

        p.Should().Equal([0, 0, 1], "at λ = 1 the dear arm's better score (0.9, cost 1) is not worth its price, and arm2 (0.5, cost 0.24) beats arm0 (0.2, cost 0.08)");
    }

    [Fact]
    public void A_greedy_linucb_candidate_puts_all_its_mass_on_its_choice()
    {
        var policy = new LinUcbPolicy(3, 4, new LinUcbPolicyOptions { Alpha = 0, Seed = 1 });
        float[] x = [1, 0.5f, 0.5f, 0.5f];
        policy.Update(2, x, new ArmObservation(1, BilledTokens.Uncached(100, 50), 100));
        var p = new double[3];

        new RoutingPolicyCandidate(policy, Arms, costWeight: 0).GetProbabilities(Decision(), p);

        p.Should().Equal(0, 0, 1);
    }

    [Fact]
    public void A_decision_from_other_arms_or_another_dimension_is_rejected()
    {
        var candidate = new RoutingPolicyCandidate(Trained(0.3), Arms, costWeight: 0);
        var p = new double[3];

        candidate.Invoking(c => c.GetProbabilities(Decision(names: ["arm0", "other", "arm2"]), p)).Should().Throw<ArgumentException>().WithMessage("*arm 1 'other'*'arm1'*");
        candidate.Invoking(c => c.GetProbabilities(Decision(dimension: 5), p)).Should().Throw<ArgumentException>().WithMessage("*5 features*expects 4*");
        FluentActions.Invoking(() => new RoutingPolicyCandidate(Trained(0.3), Arms.Take(2), 0)).Should().Throw<ArgumentException>().WithParameterName("arms");
        FluentActions.Invoking(() => new RoutingPolicyCandidate(Trained(0.3), Arms, -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("costWeight");
        FluentActions.Invoking(() => new RoutingPolicyCandidate(Trained(0.3), Arms, 0, 0m)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("costReferenceUsd");
    }
}
