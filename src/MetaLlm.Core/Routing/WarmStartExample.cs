using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>A full-information training example: a request and how every arm did on it.</summary>
public sealed class WarmStartExample
{
    /// <summary>Initializes a new instance of the <see cref="WarmStartExample"/> class.</summary>
    /// <param name="messages">The request.</param>
    /// <param name="outcomes">Every arm's outcome, by arm name.</param>
    public WarmStartExample(IEnumerable<ChatMessage> messages, IReadOnlyDictionary<string, ArmOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(outcomes);
        Messages = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        Outcomes = outcomes;
    }

    /// <summary>Initializes a new instance of the <see cref="WarmStartExample"/> class from a single user prompt.</summary>
    /// <param name="prompt">The user's prompt.</param>
    /// <param name="outcomes">Every arm's outcome, by arm name.</param>
    public WarmStartExample(string prompt, IReadOnlyDictionary<string, ArmOutcome> outcomes)
        : this([new ChatMessage(ChatRole.User, prompt ?? throw new ArgumentNullException(nameof(prompt)))], outcomes)
    {
    }

    /// <summary>Gets the request's messages.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets every arm's outcome, by arm name.</summary>
    public IReadOnlyDictionary<string, ArmOutcome> Outcomes { get; }
}
