using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>One recorded request and every model's outcome on it.</summary>
internal sealed class ReplayQuery
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key under which a request carries its query to the replayed arms.</summary>
    public const string OptionsKey = "replay.query"; // not "metallm.*": the router keeps its own keys from the arms

    public ReplayQuery(string id, int line, IReadOnlyList<ChatMessage> messages, RecordedOutcome[] outcomes, int? clusterId = null)
    {
        Id = id;
        Line = line;
        Messages = messages;
        Outcomes = outcomes;
        ClusterId = clusterId;
        Options = new ChatOptions { AdditionalProperties = new() { [OptionsKey] = this } };
    }

    /// <summary>Gets the query's id (from the file, or its line number).</summary>
    public string Id { get; }

    /// <summary>Gets the line (or CSV row) where the query starts in its file, 1-based.</summary>
    public int Line { get; }

    /// <summary>Gets the dataset's cluster of this query (LLMRouter JSON's <c>cluster_id</c>), or <see langword="null"/> when the file has none.</summary>
    public int? ClusterId { get; }

    /// <summary>Gets the request. The same list instance is used for every replay so features can be cached by reference.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets every model's recorded outcome, in the order of <see cref="ReplayDataset.Arms"/>.</summary>
    public RecordedOutcome[] Outcomes { get; }

    /// <summary>Gets the options every replayed request is sent with; they tell the recorded arms which query is asked.</summary>
    public ChatOptions Options { get; }

    /// <summary>Gets or sets the usage each arm reports for this query, set once by the cost model (Evaluation/ReplayCostModel.cs) before any replay.</summary>
    public TokenUsage[] Usage { get; set; } = [];

    /// <summary>Gets the length in characters of all the request's text, for token estimates.</summary>
    public int TextLength => Messages.Sum(m => m.Text?.Length ?? 0);
}
