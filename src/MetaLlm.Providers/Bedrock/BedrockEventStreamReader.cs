using System.Runtime.CompilerServices;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;

namespace MetaLlm.Providers;

/// <summary>
/// Decodes the frames of an <c>application/vnd.amazon.eventstream</c> body with AWSSDK.Core's decoder (which checks
/// both CRCs of every frame), yielding each message as soon as it is complete.
/// </summary>
internal static class BedrockEventStreamReader
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    /// <summary>Reads messages until the body ends.</summary>
    /// <exception cref="EndOfStreamException">The body ended inside a frame.</exception>
    public static async IAsyncEnumerable<EventStreamMessage> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ready = new Queue<EventStreamMessage>();
        long framed = 0;
        long received = 0;
        using var decoder = new EventStreamDecoder();
        decoder.MessageReceived += (_, e) =>
        {
            ready.Enqueue(e.Message);
            framed += e.Message.ToByteArray().Length;
        };

        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            received += read;
            decoder.ProcessData(buffer, 0, read);
            while (ready.Count > 0)
            {
                yield return ready.Dequeue();
            }
        }

        if (framed != received)
        {
            throw new EndOfStreamException($"The event stream ended inside a frame ({received - framed} bytes left over).");
        }
    }

    public static string? Header(EventStreamMessage message, string name) =>
        message.Headers.TryGetValue(name, out var header) && header.HeaderType == EventStreamHeaderType.String ? header.AsString() : null;
}
