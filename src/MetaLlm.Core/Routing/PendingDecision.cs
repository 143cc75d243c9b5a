namespace MetaLlm;

/// <summary>
/// A decision kept for feedback: the context it was made on while feedback can still use it, and what became of its
/// answer. Every change of state happens under the decision's own lock.
/// </summary>
internal sealed class PendingDecision
{
    private float[]? _context;

    public PendingDecision(string id, int arm, float[] context, double estimatedInputTokens, long createdTimestamp)
    {
        Id = id;
        Arm = arm;
        ChosenArm = arm;
        _context = context;
        EstimatedInputTokens = estimatedInputTokens;
        CreatedTimestamp = createdTimestamp;
    }

    /// <summary>Gets the arm the policy chose, before any failover.</summary>
    public int ChosenArm { get; }

    /// <summary>Gets the probability with which the policy chose <see cref="ChosenArm"/>, among the eligible arms.</summary>
    public double Propensity { get; init; } = 1;

    /// <summary>Gets what the shadow policy chose, if one ran.</summary>
    public PolicyDecision? Shadow { get; init; }

    /// <summary>Gets λ at decision time.</summary>
    public double CostWeight { get; init; }

    /// <summary>Gets which arms could be chosen, one flag per arm.</summary>
    public bool[] Eligible { get; init; } = [];

    /// <summary>Gets when the decision was made, by the router's clock.</summary>
    public DateTimeOffset DecidedAt { get; init; }

    public string Id { get; }

    /// <summary>Gets the arm answering the decision: the chosen one, or the one it failed over to.</summary>
    public int Arm { get; private set; }

    public long CreatedTimestamp { get; }

    /// <summary>Gets the router's estimate of the request's input tokens, which the arm's billed input is learned against.</summary>
    public double EstimatedInputTokens { get; }

    public PendingDecisionState State { get; private set; } = PendingDecisionState.AwaitingAnswer;

    /// <summary>Gets the tokens the answer used, once the arm has reported valid usage.</summary>
    public BilledTokens? Tokens { get; private set; }

    /// <summary>Gets why the answer's cost is unknown, when the arm reported usage the router could not price.</summary>
    public string? UsageProblem { get; private set; }

    /// <summary>Gets the context, or <see langword="null"/> once feedback used it or the arm failed.</summary>
    public float[]? Context => _context;

    /// <summary>Moves the decision to the arm it failed over to, before that arm answers.</summary>
    public void Reassign(int arm)
    {
        lock (this)
        {
            Arm = arm;
        }
    }

    /// <summary>Reads the state and what is known of the answer together, as one consistent snapshot.</summary>
    public (PendingDecisionState State, BilledTokens? Tokens, string? UsageProblem) Read()
    {
        lock (this)
        {
            return (State, Tokens, UsageProblem);
        }
    }

    /// <summary>Records usage seen so far (a stream may report it before it ends).</summary>
    public void ReportTokens(BilledTokens? tokens, string? usageProblem)
    {
        lock (this)
        {
            Tokens = tokens;
            UsageProblem = usageProblem;
        }
    }

    /// <summary>Marks the answer as complete: feedback may come from now on.</summary>
    public void Answer()
    {
        lock (this)
        {
            if (State == PendingDecisionState.AwaitingAnswer)
            {
                State = PendingDecisionState.Answered;
            }
        }
    }

    /// <summary>Marks the arm as failed, or the request as cancelled, and lets go of the context, which no feedback can use any more.</summary>
    public void Fail(bool cancelledByCaller)
    {
        lock (this)
        {
            if (State is PendingDecisionState.AwaitingAnswer or PendingDecisionState.Answered)
            {
                State = cancelledByCaller ? PendingDecisionState.Cancelled : PendingDecisionState.ArmFailed;
                _context = null;
            }
        }
    }

    /// <summary>Takes the context for learning, once; returns <see langword="null"/> when the decision cannot be learned from now.</summary>
    public float[]? TryConsume()
    {
        lock (this)
        {
            if (State != PendingDecisionState.Answered || _context is null)
            {
                return null;
            }

            var context = _context;
            _context = null;
            State = PendingDecisionState.Learned;
            return context;
        }
    }
}
