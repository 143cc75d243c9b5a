namespace MetaLlm;

/// <summary>
/// The decisions kept for feedback, bounded in number and age, oldest first. Decisions that were learned from or
/// whose arm failed stay, without their context, until they age out, so that feedback for them is answered with what
/// happened rather than "unknown".
/// </summary>
/// <remarks>
/// Removal is O(1) and immediate (a linked list indexed by id), so memory stays proportional to the decisions kept:
/// nothing lingers in a queue after it left the index.
/// </remarks>
internal sealed class DecisionLedger
{
    private readonly Dictionary<string, LinkedListNode<PendingDecision>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<PendingDecision> _byAge = new();
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _timeProvider;

    public DecisionLedger(int capacity, TimeSpan lifetime, TimeProvider timeProvider)
    {
        _capacity = capacity;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
    }

    public int Capacity => _capacity;

    public TimeSpan Lifetime => _lifetime;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public long Now => _timeProvider.GetTimestamp();

    public DateTimeOffset UtcNow => _timeProvider.GetUtcNow();

    public void Add(PendingDecision decision)
    {
        lock (_gate)
        {
            Trim(reserve: 1);
            _byId.Add(decision.Id, _byAge.AddLast(decision));
        }
    }

    /// <summary>Finds a kept decision; <paramref name="expired"/> tells a known but too old one from an unknown one.</summary>
    public PendingDecision? Find(string id, out bool expired)
    {
        expired = false;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var node))
            {
                return null;
            }

            if (IsExpired(node.Value))
            {
                expired = true;
                return null;
            }

            return node.Value;
        }
    }

    private bool IsExpired(PendingDecision decision) => _timeProvider.GetElapsedTime(decision.CreatedTimestamp) > _lifetime;

    // Drops what has aged out, and the oldest decisions while adding would exceed the capacity.
    private void Trim(int reserve)
    {
        while (_byAge.First is { } oldest && (_byId.Count + reserve > _capacity || IsExpired(oldest.Value)))
        {
            Remove(oldest);
        }
    }

    private void Remove(LinkedListNode<PendingDecision> node)
    {
        _byId.Remove(node.Value.Id);
        _byAge.Remove(node);
    }
}
