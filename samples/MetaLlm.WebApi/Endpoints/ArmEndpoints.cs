using MetaLlm.WebApi.Contracts;
using MetaLlm.WebApi.Traffic;

namespace MetaLlm.WebApi.Endpoints;

/// <summary><c>GET /arms</c>: every arm's price, health, traffic and what the policy learned about it.</summary>
internal static class ArmEndpoints
{
    public static IEndpointRouteBuilder MapArms(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/arms", GetArms);
        return endpoints;
    }

    private static ArmsReport GetArms(MetaLlmRouter router, ArmTraffic traffic)
    {
        var arms = router.Arms;
        var health = router.GetArmHealth();
        long[] routed = [.. arms.Select(arm => traffic.Answers(arm.Name))];
        long total = routed.Sum();

        // The observation counts are the linear policies' (all three built-in ones); a custom IRoutingPolicy may not tell.
        var linear = router.Policy as LinearBanditPolicy;
        var reports = arms.Select((arm, i) => new ArmReport(
            arm.Name,
            arm.ModelId,
            ArmPricing.From(arm.Pricing),
            health[i].State,
            health[i].OpenUntil,
            health[i].ConsecutiveFailures,
            health[i].FailureRate,
            health[i].Attempts,
            health[i].Failures,
            routed[i],
            total == 0 ? 0 : (double)routed[i] / total,
            linear?.GetObservationCount(i)));
        return new ArmsReport(router.Policy.Name, router.CostWeight, router.PendingDecisionCount, total, [.. reports]);
    }
}
