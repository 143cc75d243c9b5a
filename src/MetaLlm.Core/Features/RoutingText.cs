using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>Chooses the text of a request that routing decisions are based on.</summary>
public static class RoutingText
{
    /// <summary>
    /// Returns the text of the last user message; with <paramref name="includeInstructions"/>, the system messages and
    /// <see cref="ChatOptions.Instructions"/> are put before it.
    /// </summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    /// <param name="includeInstructions">Whether system messages and instructions are part of the routing text.</param>
    /// <returns>
    /// The routing text; empty when the request has no user message (a system prompt alone is routing text only with
    /// <paramref name="includeInstructions"/>).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public static string Extract(IEnumerable<ChatMessage> messages, ChatOptions? options = null, bool includeInstructions = false)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // The last user message is what the model must answer now, so it says most about which model can. Without
        // one there is no question: system, assistant and tool messages never stand in for it.
        ChatMessage? lastUser = null;
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.User)
            {
                lastUser = message;
            }
        }

        string question = lastUser?.Text ?? string.Empty;
        if (!includeInstructions)
        {
            return question;
        }

        var parts = new List<string>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            parts.Add(options.Instructions);
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System && !string.IsNullOrEmpty(message.Text))
            {
                parts.Add(message.Text);
            }
        }

        if (question.Length > 0)
        {
            parts.Add(question);
        }

        return string.Join('\n', parts);
    }
}
