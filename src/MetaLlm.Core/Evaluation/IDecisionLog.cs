namespace MetaLlm;

/// <summary>
/// Receives every decision of a router once its feedback is recorded (when its score and cost are known), for
/// off-policy evaluation (<see cref="OffPolicyEvaluator"/>). Set it with <see cref="MetaLlmRouterOptions.DecisionLog"/>
/// or <see cref="MetaLlmRouterBuilder.UseDecisionLog"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Append"/> runs on the thread that calls <see cref="MetaLlmRouter.RecordFeedback"/>, after the policy has
/// learned, and from many threads at once: implementations must be thread-safe, quick, and should not block on I/O
/// or throw. A sink that throws does not break feedback: the router logs a warning naming the exception's type and
/// goes on; the decision is then missing from the log.
/// </para>
/// <para>Decisions whose arm failed, whose request was cancelled, or that never got feedback are not appended.</para>
/// </remarks>
public interface IDecisionLog
{
    /// <summary>Appends a decision with its outcome.</summary>
    /// <param name="decision">The decision; the sink may keep it, it is not reused.</param>
    void Append(LoggedDecision decision);
}
