namespace MetaLlm;

/// <summary>
/// The names of the router's spans, attributes and instruments. The <c>gen_ai.*</c>, <c>server.*</c> and
/// <c>error.type</c> names are those of the OpenTelemetry semantic conventions for generative AI v1.41, the version
/// Microsoft.Extensions.AI 10.11's <c>OpenTelemetryChatClient</c> implements; the <c>metallm.*</c> names are the router's own.
/// </summary>
internal static class TelemetryNames
{
    public const string RouteSpan = "metallm.route";

    public const string ChatOperation = "chat";

    public const string ErrorType = "error.type";

    /// <summary>The <see cref="ErrorType"/> of an attempt that ran out of time, as the conventions suggest for timeouts.</summary>
    public const string Timeout = "timeout";

    public static class GenAI
    {
        public const string OperationName = "gen_ai.operation.name";
        public const string ProviderName = "gen_ai.provider.name";
        public const string RequestModel = "gen_ai.request.model";
        public const string RequestStream = "gen_ai.request.stream";
        public const string ResponseId = "gen_ai.response.id";
        public const string ResponseModel = "gen_ai.response.model";
        public const string InputTokens = "gen_ai.usage.input_tokens";
        public const string OutputTokens = "gen_ai.usage.output_tokens";
    }

    public static class Server
    {
        public const string Address = "server.address";
        public const string Port = "server.port";
    }

    /// <summary>The router's own attributes, named like the keys it writes into responses (<see cref="MetaLlmPropertyNames"/>).</summary>
    public static class Attributes
    {
        public const string Arm = MetaLlmPropertyNames.ArmName;
        public const string ChosenArm = "metallm.chosen_arm";
        public const string NextArm = "metallm.next_arm";
        public const string Policy = "metallm.policy";
        public const string DecisionId = MetaLlmPropertyNames.DecisionId;
        public const string PredictedReward = "metallm.predicted_reward";
        public const string Propensity = "metallm.propensity";
        public const string CostWeight = "metallm.cost_weight";
        public const string EligibleArms = "metallm.eligible_arms";
        public const string Attempts = "metallm.attempts";
        public const string CostUsd = MetaLlmPropertyNames.CostUsd;
        public const string ErrorKind = "metallm.error.kind";
        public const string BreakerState = "metallm.breaker.state";
        public const string ShadowAgrees = "metallm.shadow.agrees";
    }

    public static class Metrics
    {
        public const string Requests = "metallm.requests";
        public const string AttemptFailures = "metallm.attempt.failures";
        public const string Failovers = "metallm.failovers";
        public const string Cost = "metallm.cost";
        public const string Reward = "metallm.reward";
        public const string DecisionDuration = "metallm.decision.duration";
        public const string BreakerStateChanges = "metallm.breaker.state_changes";
        public const string ShadowDecisions = "metallm.shadow.decisions";
    }
}
