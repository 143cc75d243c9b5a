using System.Collections.Concurrent;

namespace MetaLlm;

/// <summary>A decision waiting for feedback: the context it was made on and, once known, what the answer cost.</summary>
internal sealed class PendingDecision
{
    private const int Open = 0;
    private const int Consumed = 1;
    private int _state;

    public PendingDecision(string id, int arm, float[] context, long createdTimestamp)
    {
        Id = id;
        Arm = arm;
        Context = context;
        CreatedTimestamp = createdTimestamp;
    }

    public string Id { get; }

    public int Arm { get; }

    public float[] Context { get; }

    public long CreatedTimestamp { get; }

    /// <summary>Gets or sets the tokens the answer used, once the arm has reported them.</summary>
    public (long Input, long Output)? Tokens { get; set; }

    /// <summary>Gets or sets a value indicating whether the arm's call is still under way.</summary>
    public bool AwaitingResponse { get; set; }

    public bool IsConsumed => Volatile.Read(ref _state) == Consumed;

    /// <summary>Marks the decision as used by feedback; false if another caller got there first.</summary>
    public bool TryConsume() => Interlocked.CompareExchange(ref _state, Consumed, Open) == Open;
}

/// <summary>
/// The decisions awaiting feedback, bounded in number and age. Consumed decisions stay until they age out, so that a
/// second feedback for the same id is reported as such rather than as an unknown id.
/// </summary>
internal sealed class PendingDecisionStore
{
    private readonly ConcurrentDictionary<string, PendingDecision> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PendingDecision> _byAge = new();
    private readonly int _capacity;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _timeProvider;
    private int _count;

    public PendingDecisionStore(int capacity, TimeSpan lifetime, TimeProvider timeProvider)
    {
        _capacity = capacity;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
    }

    public int Count => Volatile.Read(ref _count);

    public long Now => _timeProvider.GetTimestamp();

    public void Add(PendingDecision decision)
    {
        _byId[decision.Id] = decision;
        _byAge.Enqueue(decision);
        Interlocked.Increment(ref _count);
        Trim();
    }

    /// <summary>Finds a live decision; <paramref name="expired"/> tells a known but too old one from an unknown one.</summary>
    public PendingDecision? Find(string id, out bool expired)
    {
        expired = false;
        if (!_byId.TryGetValue(id, out var decision))
        {
            return null;
        }

        if (IsExpired(decision))
        {
            expired = true;
            return null;
        }

        return decision;
    }

    public void Remove(PendingDecision decision)
    {
        // The queue entry stays and is skipped when it reaches the front.
        if (_byId.TryRemove(new KeyValuePair<string, PendingDecision>(decision.Id, decision)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private bool IsExpired(PendingDecision decision) => _timeProvider.GetElapsedTime(decision.CreatedTimestamp) > _lifetime;

    private void Trim()
    {
        while (_byAge.TryPeek(out var oldest) && (Volatile.Read(ref _count) > _capacity || IsExpired(oldest) || !_byId.ContainsKey(oldest.Id)))
        {
            if (_byAge.TryDequeue(out var removed))
            {
                Remove(removed);
            }
        }
    }
}
