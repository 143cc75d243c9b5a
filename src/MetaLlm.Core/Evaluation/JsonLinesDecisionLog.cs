using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MetaLlm;

/// <summary>
/// A <see cref="IDecisionLog"/> that appends every decision to a file as one line of JSON, and reads such files back
/// for <see cref="OffPolicyEvaluator"/> (<see cref="Read"/>).
/// </summary>
/// <remarks>
/// <para>
/// Each line names the arms, so a file is self-describing: <c>{"id":…,"time":…,"policy":…,"arms":[…],"features":"…",
/// "inputTokens":…,"eligible":[…],"arm":…,"answeredArm":…,"propensity":…,"score":…,"cost":…,"costUsd":…,"lambda":…}</c>.
/// The features are the float32 values' little-endian bytes in base64 (in Python,
/// <c>numpy.frombuffer(base64.b64decode(line["features"]), "&lt;f4")</c>): exact, and a copy rather than the formatting
/// of hundreds of numbers on the feedback path. Other numbers are written in their shortest round-trip form.
/// </para>
/// <para>
/// Thread-safe. <see cref="Append"/> formats the line under a lock into a 64 KB file buffer; only when the buffer
/// fills does the calling thread write it to the operating system (no disk flush). Lines reach the file on
/// <see cref="Flush"/> and <see cref="Dispose"/>: register the log as a singleton so the container disposes it at
/// shutdown. The router does not own its decision log and does not dispose it.
/// </para>
/// </remarks>
public sealed class JsonLinesDecisionLog : IDecisionLog, IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly FileStream _stream;
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="JsonLinesDecisionLog"/> class, appending to a file (created if missing).</summary>
    /// <param name="path">The file's path; its directory is created if missing.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="IOException">The file cannot be opened for appending.</exception>
    public JsonLinesDecisionLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, BufferSize);
        _writer = new Utf8JsonWriter(_line);
    }

    /// <summary>Gets the full path of the file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The log is disposed.</exception>
    public void Append(LoggedDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _line.Clear();
            _writer.Reset(_line);
            Write(_writer, decision);
            _writer.Flush();
            _stream.Write(_line.WrittenSpan);
            _stream.WriteByte((byte)'\n');
        }
    }

    /// <summary>Writes the lines appended so far to the file.</summary>
    /// <exception cref="ObjectDisposedException">The log is disposed.</exception>
    public void Flush()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream.Flush();
        }
    }

    /// <summary>Writes the remaining lines to the file and closes it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer.Dispose();
            _stream.Dispose();
        }
    }

    /// <summary>Reads the decisions of a file written by <see cref="JsonLinesDecisionLog"/>, lazily, line by line; blank lines are skipped.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The decisions, in file order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="InvalidDataException">A line is not a decision (for example one cut short by a crash); the message gives its number.</exception>
    public static IEnumerable<LoggedDecision> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return ReadLines(path);
    }

    private static IEnumerable<LoggedDecision> ReadLines(string path)
    {
        IReadOnlyList<string>? names = null;
        int number = 0;
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            LoggedDecision decision;
            try
            {
                decision = Parse(line, ref names);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"Line {number} of '{path}' is not a logged decision: {ex.Message}", ex);
            }

            yield return decision;
        }
    }

    private static void Write(Utf8JsonWriter writer, LoggedDecision decision)
    {
        writer.WriteStartObject();
        writer.WriteString("id", decision.DecisionId);
        writer.WriteString("time", decision.Timestamp);
        writer.WriteString("policy", decision.PolicyName);
        writer.WriteStartArray("arms");
        foreach (string name in decision.ArmNames)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        WriteFeatures(writer, decision.Features.Span);
        writer.WriteNumber("inputTokens", decision.EstimatedInputTokens);
        writer.WriteStartArray("eligible");
        foreach (bool flag in decision.Eligible.Span)
        {
            writer.WriteBooleanValue(flag);
        }

        writer.WriteEndArray();
        writer.WriteNumber("arm", decision.ArmIndex);
        writer.WriteNumber("answeredArm", decision.AnsweredArmIndex);
        writer.WriteNumber("propensity", decision.Propensity);
        if (decision.ShadowArmIndex is int shadowArm)
        {
            writer.WriteNumber("shadowArm", shadowArm);
            writer.WriteNumber("shadowPropensity", decision.ShadowPropensity ?? 1);
        }

        writer.WriteNumber("score", decision.Score);
        writer.WriteNumber("cost", decision.NormalizedCost);
        writer.WriteNumber("costUsd", decision.CostUsd);
        writer.WriteNumber("lambda", decision.CostWeight);
        writer.WriteEndObject();
    }

    // The features as little-endian float32 bytes in base64: exact, and a memory copy instead of formatting hundreds of numbers.
    private static void WriteFeatures(Utf8JsonWriter writer, ReadOnlySpan<float> features)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.WriteBase64String("features", MemoryMarshal.AsBytes(features));
            return;
        }

        var bytes = new byte[features.Length * sizeof(float)];
        for (int i = 0; i < features.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), features[i]);
        }

        writer.WriteBase64String("features", bytes);
    }

    private static float[] ReadFeatures(JsonElement element)
    {
        byte[] bytes = element.GetBytesFromBase64();
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new FormatException($"The features hold {bytes.Length} bytes, not a whole number of float32 values.");
        }

        var features = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return features;
    }

    // Consecutive lines with the same arms share one list, as the router's decisions do.
    private static LoggedDecision Parse(string line, ref IReadOnlyList<string>? names)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var arms = root.GetProperty("arms");
        var parsedNames = new string[arms.GetArrayLength()];
        int i = 0;
        foreach (var arm in arms.EnumerateArray())
        {
            parsedNames[i++] = arm.GetString() ?? throw new FormatException("An arm name is null.");
        }

        if (names is null || !names.SequenceEqual(parsedNames, StringComparer.Ordinal))
        {
            names = Array.AsReadOnly(parsedNames);
        }

        var features = ReadFeatures(root.GetProperty("features"));
        var eligibleElement = root.GetProperty("eligible");
        var eligible = new bool[eligibleElement.GetArrayLength()];
        i = 0;
        foreach (var value in eligibleElement.EnumerateArray())
        {
            eligible[i++] = value.GetBoolean();
        }

        return new LoggedDecision
        {
            DecisionId = root.GetProperty("id").GetString() ?? throw new FormatException("The id is null."),
            Timestamp = root.GetProperty("time").GetDateTimeOffset(),
            PolicyName = root.GetProperty("policy").GetString() ?? throw new FormatException("The policy is null."),
            ArmNames = names,
            Features = features,
            EstimatedInputTokens = root.GetProperty("inputTokens").GetDouble(),
            Eligible = eligible,
            ArmIndex = root.GetProperty("arm").GetInt32(),
            AnsweredArmIndex = root.GetProperty("answeredArm").GetInt32(),
            Propensity = root.GetProperty("propensity").GetDouble(),
            ShadowArmIndex = root.TryGetProperty("shadowArm", out var shadowArm) ? shadowArm.GetInt32() : null,
            ShadowPropensity = root.TryGetProperty("shadowPropensity", out var shadowPropensity) ? shadowPropensity.GetDouble() : null,
            Score = root.GetProperty("score").GetDouble(),
            NormalizedCost = root.GetProperty("cost").GetDouble(),
            CostUsd = root.GetProperty("costUsd").GetDecimal(),
            CostWeight = root.GetProperty("lambda").GetDouble(),
        };
    }
}
