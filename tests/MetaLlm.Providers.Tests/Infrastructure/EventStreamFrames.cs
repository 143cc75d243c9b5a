using System.Text;
using Amazon.Runtime.EventStreams;

namespace MetaLlm.Providers.Tests;

/// <summary>Builds binary event-stream frames with AWSSDK.Core's encoder, which writes both CRCs.</summary>
internal static class EventStreamFrames
{
    public static byte[] Event(string eventType, string json) => Frame(
        Header(":message-type", "event"), Header(":event-type", eventType), Header(":content-type", "application/json"), json);

    public static byte[] Exception(string exceptionType, string json) => Frame(
        Header(":message-type", "exception"), Header(":exception-type", exceptionType), Header(":content-type", "application/json"), json);

    public static byte[] Concat(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    private static IEventStreamHeader Header(string name, string value)
    {
        var header = new EventStreamHeader(name);
        header.SetString(value);
        return header;
    }

    private static byte[] Frame(IEventStreamHeader a, IEventStreamHeader b, IEventStreamHeader c, string json) =>
        new EventStreamMessage([a, b, c], Encoding.UTF8.GetBytes(json)).ToByteArray();
}
