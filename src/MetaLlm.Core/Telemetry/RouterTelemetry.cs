using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using static MetaLlm.TelemetryNames;

namespace MetaLlm;

/// <summary>
/// The router's spans and metrics, on one <see cref="ActivitySource"/> and one <see cref="Meter"/> named
/// <see cref="MetaLlmTelemetry.SourceName"/> shared by every router of the process. Attempt spans follow the
/// OpenTelemetry semantic conventions for generative AI v1.41, as Microsoft.Extensions.AI 10.11's
/// <c>OpenTelemetryChatClient</c> does, so the two compose.
/// </summary>
/// <remarks>
/// Every method checks that someone listens (<see cref="ActivitySource.HasListeners"/>, an instrument's
/// <see cref="Instrument.Enabled"/>) before it builds a tag, so a router nobody observes pays a few branches per
/// request. No prompt or response text is ever recorded, and no exception message: providers echo the prompt in them.
/// </remarks>
internal sealed class RouterTelemetry
{
    private static readonly string? Version = typeof(RouterTelemetry).Assembly.GetName().Version?.ToString();
    private static readonly ActivitySource Source = new(MetaLlmTelemetry.SourceName, Version);
    private static readonly Meter Meter = new(MetaLlmTelemetry.MeterName, Version);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        Metrics.Requests, "{request}", "Routed requests, by the arm that answered (or was tried last), with error.type when the request failed.");

    private static readonly Counter<long> AttemptFailures = Meter.CreateCounter<long>(
        Metrics.AttemptFailures, "{attempt}", "Attempts an arm failed (the caller's cancellations not counted), by arm and error.type.");

    private static readonly Counter<long> Failovers = Meter.CreateCounter<long>(
        Metrics.Failovers, "{failover}", "Requests moved from a failed arm to the next-best one, by the arm left and the arm taken.");

    private static readonly Histogram<double> Cost = Meter.CreateHistogram(
        Metrics.Cost, "{USD}", "The cost of answered requests in US dollars at the arm's prices, by arm.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });

    private static readonly Histogram<double> Reward = Meter.CreateHistogram(
        Metrics.Reward, "1", "The reward score − λ·normalizedCost learned from feedback, by arm.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [-1, -0.5, -0.25, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] });

    private static readonly Histogram<double> DecisionDuration = Meter.CreateHistogram(
        Metrics.DecisionDuration, "s", "The time to featurize a request and decide on an arm, by policy.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private static readonly Counter<long> BreakerStateChanges = Meter.CreateCounter<long>(
        Metrics.BreakerStateChanges, "{change}", "Changes of an arm's circuit breaker, by arm and new state (closed, open, half_open).");

    private static readonly Counter<long> ShadowDecisions = Meter.CreateCounter<long>(
        Metrics.ShadowDecisions, "{decision}", "Decisions the shadow policy made beside the serving one, by whether it chose the same arm (metallm.shadow.agrees).");

    private readonly ArmTelemetry[] _arms;
    private readonly KeyValuePair<string, object?> _policyTag;
    private readonly TimeProvider _time;

    public RouterTelemetry(IReadOnlyList<RouterArm> arms, string policyName, TimeProvider time)
    {
        _arms = [.. arms.Select(arm => new ArmTelemetry(arm))];
        _policyTag = new(Attributes.Policy, policyName);
        _time = time;
    }

    /// <summary>Starts a routed request: its span (a child of the caller's, <c>UseOpenTelemetry()</c>'s for one) and the decision's clock.</summary>
    public RequestTelemetry StartRequest()
    {
        var span = Source.HasListeners() ? Source.StartActivity(RouteSpan, ActivityKind.Internal) : null;
        return new RequestTelemetry(span, DecisionDuration.Enabled ? _time.GetTimestamp() : null);
    }

    /// <summary>Records the decision: how long it took, and what the policy chose and why, on the request's span.</summary>
    public void Decided(in RequestTelemetry request, in ArmSelection selection, string decisionId)
    {
        if (request.DecisionStarted is long started && DecisionDuration.Enabled)
        {
            DecisionDuration.Record(_time.GetElapsedTime(started).TotalSeconds, _policyTag);
        }

        if (request.Span is { IsAllDataRequested: true } span)
        {
            int eligible = 0;
            foreach (bool flag in selection.Eligible)
            {
                eligible += flag ? 1 : 0;
            }

            span.SetTag(_policyTag.Key, _policyTag.Value)
                .SetTag(Attributes.DecisionId, decisionId)
                .SetTag(Attributes.ChosenArm, _arms[selection.ArmIndex].Name)
                .SetTag(Attributes.PredictedReward, selection.Estimates[selection.ArmIndex].PredictedReward)
                .SetTag(Attributes.Propensity, selection.Propensity)
                .SetTag(Attributes.CostWeight, selection.CostWeight)
                .SetTag(Attributes.EligibleArms, eligible);
        }
    }

    /// <summary>Counts a decision of the shadow policy, by whether it agrees with the serving one.</summary>
    public static void ShadowDecided(in ArmSelection selection)
    {
        if (selection.Shadow is { } shadow && ShadowDecisions.Enabled)
        {
            ShadowDecisions.Add(1, new KeyValuePair<string, object?>(Attributes.ShadowAgrees, shadow.Arm == selection.ArmIndex));
        }
    }

    /// <summary>Ends a request that failed before an arm was chosen (no eligible arm, a bad request, a featurizer's failure).</summary>
    public static void NotRouted(in RequestTelemetry request, Exception error)
    {
        if (Requests.Enabled)
        {
            Requests.Add(1, new KeyValuePair<string, object?>(ErrorType, TypeOf(error)));
        }

        if (request.Span is { } span)
        {
            SetError(span, TypeOf(error));
            span.Stop();
        }
    }

    /// <summary>Ends a routed request: answered (with its cost when known), failed, cancelled, or a stream the caller stopped reading.</summary>
    /// <param name="span">The request's span, or <see langword="null"/>.</param>
    /// <param name="arm">The arm that answered, or was tried last.</param>
    /// <param name="attempts">The number of attempts the request made.</param>
    /// <param name="costUsd">The answer's cost, when its usage was priced.</param>
    /// <param name="error">Why the request failed, or <see langword="null"/>.</param>
    public void RequestEnded(Activity? span, int arm, int attempts, decimal? costUsd, Exception? error)
    {
        var armTag = _arms[arm].Tag;
        if (Requests.Enabled)
        {
            if (error is null)
            {
                Requests.Add(1, armTag);
            }
            else
            {
                Requests.Add(1, armTag, new KeyValuePair<string, object?>(ErrorType, TypeOf(error)));
            }
        }

        if (costUsd is decimal recorded && Cost.Enabled)
        {
            Cost.Record((double)recorded, armTag);
        }

        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag(Attributes.Arm, _arms[arm].Name).SetTag(Attributes.Attempts, attempts);
            if (costUsd is decimal cost)
            {
                span.SetTag(Attributes.CostUsd, (double)cost);
            }
        }

        if (error is not null)
        {
            SetError(span, TypeOf(error));
        }

        span.Stop();
    }

    /// <summary>Whether a request's cost is recorded: on its span, or in the cost histogram.</summary>
    public static bool RecordsCost(Activity? span) => span is not null || Cost.Enabled;

    /// <summary>Starts the client span of one attempt on an arm, a child of the request's span.</summary>
    public Activity? StartAttempt(int arm, bool streaming)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var telemetry = _arms[arm];
        var span = Source.StartActivity(telemetry.SpanName, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(GenAI.OperationName, ChatOperation)
                .SetTag(GenAI.RequestModel, telemetry.ModelId)
                .SetTag(GenAI.ProviderName, telemetry.ProviderName)
                .SetTag(Attributes.Arm, telemetry.Name);
            if (streaming)
            {
                span.SetTag(GenAI.RequestStream, true);
            }

            if (telemetry.ServerAddress is not null)
            {
                span.SetTag(Server.Address, telemetry.ServerAddress).SetTag(Server.Port, telemetry.ServerPort);
            }
        }

        return span;
    }

    /// <summary>Ends an attempt that answered, with the tokens it reported.</summary>
    public static void AttemptSucceeded(Activity? span, UsageDetails? usage, string? responseModel, string? responseId)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            if (usage?.InputTokenCount is long input)
            {
                span.SetTag(GenAI.InputTokens, input);
            }

            if (usage?.OutputTokenCount is long output)
            {
                span.SetTag(GenAI.OutputTokens, output);
            }

            if (responseModel is not null)
            {
                span.SetTag(GenAI.ResponseModel, responseModel);
            }

            if (!string.IsNullOrWhiteSpace(responseId))
            {
                span.SetTag(GenAI.ResponseId, responseId);
            }
        }

        span.Stop();
    }

    /// <summary>Ends an attempt that failed or was cancelled, and counts it when the arm failed.</summary>
    public void AttemptFailed(Activity? span, int arm, ArmAttempt attempt)
    {
        string errorType = ErrorTypeOf(attempt);
        if (attempt.Outcome is ArmAttemptOutcome.Failed or ArmAttemptOutcome.FailedTransiently && AttemptFailures.Enabled)
        {
            AttemptFailures.Add(1, _arms[arm].Tag, new KeyValuePair<string, object?>(ErrorType, errorType));
        }

        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested && attempt.ErrorKind is not null)
        {
            span.SetTag(Attributes.ErrorKind, attempt.ErrorKind);
        }

        SetError(span, errorType);
        span.Stop();
    }

    /// <summary>Ends an attempt whose stream the caller stopped reading: no verdict on the arm.</summary>
    public static void AttemptAbandoned(Activity? span) => span?.Stop();

    /// <summary>Makes an attempt's span current again when a stream resumes, so the arm's own spans stay its children.</summary>
    /// <remarks>An async iterator resumes in its consumer's context, not its own (dotnet/runtime#47802).</remarks>
    public static void Resume(Activity? span)
    {
        if (span is not null)
        {
            Activity.Current = span;
        }
    }

    /// <summary>Counts a request moved from a failed arm to another.</summary>
    public void FailedOver(int from, int to)
    {
        if (Failovers.Enabled)
        {
            Failovers.Add(1, _arms[from].Tag, new KeyValuePair<string, object?>(Attributes.NextArm, _arms[to].Name));
        }
    }

    /// <summary>Records the reward learned from feedback on an arm's answer.</summary>
    public void Rewarded(int arm, double reward)
    {
        if (Reward.Enabled)
        {
            Reward.Record(reward, _arms[arm].Tag);
        }
    }

    /// <summary>Counts a change of an arm's circuit breaker.</summary>
    public void BreakerChanged(int arm, CircuitState state)
    {
        if (BreakerStateChanges.Enabled)
        {
            string name = state switch
            {
                CircuitState.Closed => "closed",
                CircuitState.Open => "open",
                _ => "half_open",
            };
            BreakerStateChanges.Add(1, _arms[arm].Tag, new KeyValuePair<string, object?>(Attributes.BreakerState, name));
        }
    }

    // The exception's type, never its message: as Microsoft.Extensions.AI does, minus the message it puts in the status.
    private static string TypeOf(Exception error) => error.GetType().FullName ?? error.GetType().Name;

    private static string ErrorTypeOf(ArmAttempt attempt) =>
        string.Equals(attempt.ErrorKind, "Timeout", StringComparison.OrdinalIgnoreCase) ? TelemetryNames.Timeout : attempt.ExceptionType ?? "_OTHER";

    private static void SetError(Activity span, string errorType) =>
        span.SetTag(ErrorType, errorType).SetStatus(ActivityStatusCode.Error);

    /// <summary>What an arm's spans and metrics say about it, worked out once.</summary>
    private sealed class ArmTelemetry
    {
        public ArmTelemetry(RouterArm arm)
        {
            Name = arm.Name;
            Tag = new(Attributes.Arm, arm.Name);
            ModelId = arm.ModelId;
            SpanName = arm.ModelId is null ? ChatOperation : $"{ChatOperation} {arm.ModelId}";
            var metadata = arm.Client.GetService<ChatClientMetadata>();
            ProviderName = metadata?.ProviderName;
            ServerAddress = metadata?.ProviderUri?.Host;
            ServerPort = metadata?.ProviderUri?.Port ?? 0;
        }

        public string Name { get; }

        public KeyValuePair<string, object?> Tag { get; }

        public string? ModelId { get; }

        public string SpanName { get; }

        public string? ProviderName { get; }

        public string? ServerAddress { get; }

        public int ServerPort { get; }
    }
}
