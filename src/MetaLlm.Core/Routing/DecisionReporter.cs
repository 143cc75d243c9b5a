using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MetaLlm;

/// <summary>
/// Reports what became of each decision: opens it for feedback, writes the arm, decision id and cost into the
/// response (<see cref="MetaLlmPropertyNames"/>), prices the usage the arm reported, records failures, and ends the
/// request's telemetry (its span, the request and cost metrics) however the request ended.
/// </summary>
internal sealed class DecisionReporter
{
    private readonly IReadOnlyList<RouterArm> _arms;
    private readonly DecisionLedger _ledger;
    private readonly RouterTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly bool _logExceptions;
    private readonly string _idPrefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant() + "-";
    private long _sequence;
    private long _restoredDecisions;

    /// <param name="arms">The arms.</param>
    /// <param name="ledger">Where decisions are kept for feedback.</param>
    /// <param name="telemetry">The router's spans and metrics.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="logExceptions">Whether arm-failure logs attach the exception, message included (<see cref="MetaLlmRouterOptions.IncludeExceptionMessagesInLogs"/>).</param>
    public DecisionReporter(IReadOnlyList<RouterArm> arms, DecisionLedger ledger, RouterTelemetry telemetry, ILogger logger, bool logExceptions)
    {
        _arms = arms;
        _ledger = ledger;
        _telemetry = telemetry;
        _logger = logger;
        _logExceptions = logExceptions;
    }

    /// <summary>Gets the number of decisions made, counting those of a restored snapshot.</summary>
    public long DecisionCount => Interlocked.Read(ref _sequence) + Interlocked.Read(ref _restoredDecisions);

    /// <summary>Counts a restored snapshot's decisions among this router's.</summary>
    public void RestoreCount(long decisions) => Interlocked.Exchange(ref _restoredDecisions, decisions);

    /// <summary>Keeps a new decision for feedback.</summary>
    /// <param name="selection">The selection.</param>
    /// <param name="answeredElsewhere">Whether the caller calls the arm itself (<see cref="MetaLlmRouter.RouteAsync"/>), so the answer is not the router's to wait for.</param>
    public PendingDecision Open(in ArmSelection selection, bool answeredElsewhere)
    {
        string id = _idPrefix + Interlocked.Increment(ref _sequence).ToString("x", CultureInfo.InvariantCulture);
        var decision = new PendingDecision(id, selection.ArmIndex, selection.Context, selection.EstimatedInputTokens, _ledger.Now)
        {
            Propensity = selection.Propensity,
            Shadow = selection.Shadow,
            CostWeight = selection.CostWeight,
            Eligible = selection.Eligible,
            DecidedAt = _ledger.UtcNow,
        };
        RouterTelemetry.ShadowDecided(selection);
        if (answeredElsewhere)
        {
            decision.Answer();
        }

        _ledger.Add(decision);
        Log.Routed(_logger, id, _arms[selection.ArmIndex].Name, selection.Propensity);
        return decision;
    }

    /// <summary>Annotates a complete response, with every attempt it took, and opens its decision to feedback.</summary>
    public void Complete(PendingDecision decision, ChatResponse response, IReadOnlyList<ArmAttempt> attempts, Activity? span)
    {
        var properties = response.AdditionalProperties ??= [];
        decimal? cost = Annotate(decision, properties, response.Usage);
        properties[MetaLlmPropertyNames.Attempts] = attempts;
        decision.Answer();
        _telemetry.RequestEnded(span, decision.Arm, attempts.Count, cost, null);
    }

    /// <summary>Opens a completed stream's decision to feedback.</summary>
    public void Finish(PendingDecision decision, IReadOnlyList<ArmAttempt> attempts, Activity? span)
    {
        decision.Answer();

        // The stream's usage was priced as it arrived (tokens it could not price were cleared); pricing the same tokens
        // again gives the same cost, and is done only for someone who records it.
        var tokens = RouterTelemetry.RecordsCost(span) ? decision.Read().Tokens : null;
        _telemetry.RequestEnded(span, decision.Arm, attempts.Count, tokens is { } known ? _arms[decision.Arm].Pricing.ComputeCost(known) : null, null);
    }

    /// <summary>Logs that an arm failed and the request moves to another.</summary>
    public void FailedOver(PendingDecision decision, int from, int to, ArmAttempt failed, Exception exception)
    {
        Log.FailedOver(_logger, _logExceptions ? exception : null, decision.Id, _arms[from].Name, failed.ExceptionType ?? "?", failed.ErrorKind ?? "?", _arms[to].Name);
        _telemetry.FailedOver(from, to);
    }

    /// <summary>Annotates a streamed update: the first one, and every one that carries usage (with the cost so far).</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="update">The update.</param>
    /// <param name="first">Whether it is the first update of the stream.</param>
    /// <param name="usage">The usage reported so far, added to as usage arrives.</param>
    /// <param name="attempts">The request's attempts, recorded on the first update, or <see langword="null"/>.</param>
    public void Annotate(PendingDecision decision, ChatResponseUpdate update, bool first, ref UsageDetails? usage, IReadOnlyList<ArmAttempt>? attempts = null)
    {
        bool hasUsage = false;
        foreach (var content in update.Contents)
        {
            if (content is UsageContent usageContent)
            {
                usage ??= new UsageDetails();
                usage.Add(usageContent.Details);
                hasUsage = true;
            }
        }

        if (first || hasUsage)
        {
            var properties = update.AdditionalProperties ??= [];
            Annotate(decision, properties, hasUsage ? usage : null);

            // The same list is completed with the answering attempt when the stream ends.
            if (attempts is not null)
            {
                properties[MetaLlmPropertyNames.Attempts] = attempts;
            }
        }
    }

    /// <summary>Ends a stream the caller stopped reading: its usage may be partial, so feedback must give the usage.</summary>
    public void Abandon(PendingDecision decision, IReadOnlyList<ArmAttempt> attempts, Activity? span)
    {
        decision.ReportTokens(null, "the caller stopped reading its stream before it ended, so the usage it reported may be partial.");
        decision.Answer();

        // The attempt that was streaming is not in the list (it has no outcome); it counts among the request's attempts.
        _telemetry.RequestEnded(span, decision.Arm, attempts.Count + 1, null, null);
    }

    /// <summary>Records that the arm failed, or that the caller cancelled; nothing will be learned from the decision.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="exception">What failed.</param>
    /// <param name="attempts">The request's attempts so far.</param>
    /// <param name="span">The request's span, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The caller's token, to tell its cancellation from a failure.</param>
    /// <param name="lastAttempt">The attempt that failed last, whose type and kind the log names, or <see langword="null"/> for <paramref name="exception"/>'s.</param>
    public void Fail(PendingDecision decision, Exception exception, IReadOnlyList<ArmAttempt> attempts, Activity? span, CancellationToken cancellationToken, ArmAttempt? lastAttempt = null)
    {
        string arm = _arms[decision.Arm].Name;
        bool cancelledByCaller = exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
        decision.Fail(cancelledByCaller);
        if (cancelledByCaller)
        {
            Log.Cancelled(_logger, decision.Id, arm);
        }
        else
        {
            Log.ArmFailed(
                _logger,
                _logExceptions ? exception : null,
                arm,
                decision.Id,
                lastAttempt?.ExceptionType ?? exception.GetType().FullName ?? exception.GetType().Name,
                lastAttempt?.ErrorKind ?? (exception as IModelErrorClassification)?.ErrorKind ?? "unclassified");
        }

        _telemetry.RequestEnded(span, decision.Arm, attempts.Count, null, exception);
    }

    // Returns the cost written into the properties, or null when the usage is missing or could not be priced.
    private decimal? Annotate(PendingDecision decision, AdditionalPropertiesDictionary properties, UsageDetails? usage)
    {
        var arm = _arms[decision.Arm];
        properties[MetaLlmPropertyNames.ArmName] = arm.Name;
        properties[MetaLlmPropertyNames.DecisionId] = decision.Id;
        if (usage is null)
        {
            return null;
        }

        // A bad usage report must not cost the caller the answer it paid for: the answer goes on without a cost.
        try
        {
            var tokens = BilledTokens.FromUsage(usage);
            decision.ReportTokens(tokens, tokens is null ? "its usage reported no token count." : null);
            if (tokens is { } known)
            {
                decimal cost = arm.Pricing.ComputeCost(known);
                properties[MetaLlmPropertyNames.CostUsd] = cost;
                return cost;
            }

            return null;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
        {
            decision.ReportTokens(null, ex.Message);
            properties.Remove(MetaLlmPropertyNames.CostUsd);
            Log.UsageNotPriced(_logger, arm.Name, decision.Id, ex.Message);
            return null;
        }
    }
}
