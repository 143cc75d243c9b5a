namespace MetaLlm;

/// <summary>
/// A <see cref="IDecisionLog"/> that keeps the most recent decisions in memory, up to a capacity; when full, the
/// oldest is dropped for each new one.
/// </summary>
/// <remarks>Thread-safe. <see cref="Append"/> takes a lock for a few instructions and never allocates beyond the decision itself.</remarks>
public sealed class InMemoryDecisionLog : IDecisionLog
{
    private readonly LoggedDecision[] _buffer;
    private readonly object _gate = new();
    private int _start;
    private int _count;
    private long _dropped;

    /// <summary>Initializes a new instance of the <see cref="InMemoryDecisionLog"/> class.</summary>
    /// <param name="capacity">How many decisions to keep; default 100,000.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public InMemoryDecisionLog(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _buffer = new LoggedDecision[capacity];
    }

    /// <summary>Gets how many decisions the log keeps at most.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Gets how many decisions the log holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Gets how many decisions were dropped, oldest first, because the log was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is <see langword="null"/>.</exception>
    public void Append(LoggedDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            if (_count < _buffer.Length)
            {
                _buffer[(_start + _count) % _buffer.Length] = decision;
                _count++;
            }
            else
            {
                _buffer[_start] = decision;
                _start = (_start + 1) % _buffer.Length;
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <summary>Copies the decisions held, oldest first.</summary>
    /// <returns>A copy, unaffected by later appends.</returns>
    public IReadOnlyList<LoggedDecision> GetDecisions()
    {
        lock (_gate)
        {
            var copy = new LoggedDecision[_count];
            for (int i = 0; i < _count; i++)
            {
                copy[i] = _buffer[(_start + i) % _buffer.Length];
            }

            return copy;
        }
    }

    /// <summary>Removes every decision held; <see cref="DroppedCount"/> is kept.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_buffer);
            _start = 0;
            _count = 0;
        }
    }
}
