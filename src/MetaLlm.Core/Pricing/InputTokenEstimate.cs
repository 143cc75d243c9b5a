using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Estimates a request's input tokens before it is sent, when no arm's tokenizer is at hand: one token per four
/// characters of the text of every message and of the instructions, the usual ratio for English under the GPT,
/// Claude and Llama tokenizers. Each arm learns its own ratio of billed to estimated input tokens
/// (<see cref="ArmStatistics.InputTokens"/> against <see cref="ArmStatistics.EstimatedInputTokens"/>), which
/// corrects both the ratio and what the estimate does not see (a system prompt added below the router, images).
/// </summary>
public static class InputTokenEstimate
{
    /// <summary>The characters counted as one token.</summary>
    public const double CharactersPerToken = 4;

    /// <summary>Estimates the input tokens of a request.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    /// <returns>The estimate, at least 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public static double FromRequest(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long characters = options?.Instructions?.Length ?? 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent text)
                {
                    characters += text.Text?.Length ?? 0;
                }
            }
        }

        return Math.Max(1, Math.Ceiling(characters / CharactersPerToken));
    }
}
