using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using static MetaLlm.RouterSnapshotHeader;

namespace MetaLlm;

/// <summary>
/// Writes a <see cref="RouterSnapshot"/> as bytes and reads it back bit for bit, refusing anything that is not a
/// complete, uncorrupted snapshot of a format version this library reads.
/// </summary>
/// <remarks>
/// <para>
/// The format, all integers and doubles little-endian: an 8-byte signature (<c>89 4D 4C 53 4E 41 50 0A</c>,
/// "\x89MLSNAP\n"), the format version (int32), the total length in bytes including the checksum (int64), then for
/// versions 1 and 2 the length of the header (int32) and the header, UTF-8 JSON with the metadata and each arm's name, count
/// and scalar sums in the order of the arms' vectors (version 2 adds each arm's chosen penalty where it has one); then for each arm the upper triangle of its Gram matrix row by
/// row (d(d+1)/2 doubles: the matrix is symmetric), its score targets (d doubles) and its output-token targets
/// (d doubles); and last a SHA-256 checksum of every byte before it.
/// </para>
/// <para>
/// The signature, version, total length and trailing checksum are the envelope of every version, so a reader can tell
/// a torn file (shorter than its length) and a corrupt one (checksum) from one of a newer version (a good checksum but
/// a higher version) without knowing that version's layout.
/// </para>
/// <para>
/// Arms and policy settings are written in ordinal order of their names, so equal snapshots give equal bytes. A Gram matrix is read back
/// as the mirror of its upper triangle: one that rounding left asymmetric within what validation accepts comes back
/// exactly symmetric. The snapshot holds no prompt or response text, and neither does the format.
/// </para>
/// </remarks>
public static class RouterSnapshotSerializer
{
    // The envelope, the same in every version.
    internal const int VersionOffset = 8;
    internal const int LengthOffset = 12;
    internal const int EnvelopeLength = 20;
    internal const int ChecksumLength = 32;

    // Versions 1 and 2 after the envelope (2 only adds each arm's optional penalty to the header).
    internal const int HeaderLengthOffset = 20;
    internal const int HeaderOffset = 24;

    private const int MaxErrorsInMessage = 5;

    /// <summary>Gets the signature every snapshot starts with: not ASCII, so a text file never starts with it, and ending in a newline, to spot newline conversion.</summary>
    internal static ReadOnlySpan<byte> Signature => [0x89, (byte)'M', (byte)'L', (byte)'S', (byte)'N', (byte)'A', (byte)'P', 0x0A];

    /// <summary>Writes a snapshot in the current format.</summary>
    /// <param name="snapshot">The snapshot; it must pass <see cref="RouterSnapshot.GetValidationErrors"/>.</param>
    /// <returns>The bytes, which <see cref="Deserialize"/> reads back bit for bit.</returns>
    /// <exception cref="ArgumentException">The snapshot is invalid (a snapshot that could not be loaded is never written), or too large for one array.</exception>
    public static byte[] Serialize(RouterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ThrowIfUnwritable(snapshot);

        var arms = snapshot.Arms.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToArray();
        var header = new RouterSnapshotHeader
        {
            TakenAt = snapshot.TakenAt,
            StatisticsAsOf = snapshot.StatisticsAsOf,
            Featurizer = new() { Name = snapshot.FeaturizerName, Dimension = snapshot.FeatureDimension, Fingerprint = snapshot.FeaturizerFingerprint },
            Policy = new() { Name = snapshot.PolicyName, Settings = new(snapshot.PolicySettings.OrderBy(pair => pair.Key, StringComparer.Ordinal), StringComparer.Ordinal) },
            CostWeight = snapshot.CostWeight,
            DecisionCount = snapshot.DecisionCount,
            FeedbackCount = snapshot.FeedbackCount,
            Arms = [.. arms.Select(pair => ToHeader(pair.Key, pair.Value))],
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, RouterSnapshotJsonContext.Default.RouterSnapshotHeader);

        long length = HeaderOffset + json.Length + (arms.Length * VectorBytesPerArm(snapshot.FeatureDimension)) + ChecksumLength;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"The snapshot would take {length} bytes, more than one array holds ({Array.MaxLength}).", nameof(snapshot));
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        Signature.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[VersionOffset..], RouterSnapshot.CurrentFormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[LengthOffset..], length);
        BinaryPrimitives.WriteInt32LittleEndian(span[HeaderLengthOffset..], json.Length);
        json.CopyTo(span[HeaderOffset..]);

        var vectors = span[(HeaderOffset + json.Length)..^ChecksumLength];
        foreach (var (_, arm) in arms)
        {
            vectors = WriteVectors(vectors, arm);
        }

        SHA256.HashData(span[..^ChecksumLength], span[^ChecksumLength..]);
        return bytes;
    }

    /// <summary>Reads a snapshot, checking its envelope, checksum, version, layout and content.</summary>
    /// <param name="data">Exactly one serialized snapshot.</param>
    /// <returns>The snapshot, which passes <see cref="RouterSnapshot.GetValidationErrors"/>.</returns>
    /// <exception cref="RouterSnapshotException">
    /// The data is not a snapshot, is of a newer or unknown version, is truncated, fails its checksum, or is invalid
    /// (see <see cref="RouterSnapshotException.Reason"/>). Nothing is allocated from a length the data claims until
    /// that many bytes are known to be present.
    /// </exception>
    public static RouterSnapshot Deserialize(ReadOnlySpan<byte> data)
    {
        int signatureBytes = Math.Min(data.Length, Signature.Length);
        if (!data[..signatureBytes].SequenceEqual(Signature[..signatureBytes]))
        {
            throw Refuse(RouterSnapshotFailureReason.NotASnapshot, "The data is not a MetaLlm router snapshot: it does not start with the snapshot signature.");
        }

        if (data.Length < EnvelopeLength)
        {
            throw Refuse(RouterSnapshotFailureReason.Truncated, $"The router snapshot is truncated: it ends after {data.Length} bytes, before its length is known (an interrupted write?).");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(data[VersionOffset..]);
        long length = BinaryPrimitives.ReadInt64LittleEndian(data[LengthOffset..]);
        if (length > data.Length)
        {
            throw Refuse(RouterSnapshotFailureReason.Truncated, $"The router snapshot is truncated: it ends after {data.Length} bytes, but declares {length} (an interrupted write, or a damaged length).");
        }

        if (length < EnvelopeLength + ChecksumLength)
        {
            throw Refuse(RouterSnapshotFailureReason.Invalid, $"The router snapshot declares a length of {length} bytes, less than any snapshot takes.");
        }

        var content = data[..(int)(length - ChecksumLength)];
        Span<byte> checksum = stackalloc byte[ChecksumLength];
        SHA256.HashData(content, checksum);
        if (!checksum.SequenceEqual(data.Slice(content.Length, ChecksumLength)))
        {
            throw Refuse(RouterSnapshotFailureReason.ChecksumMismatch, "The router snapshot is corrupt: its SHA-256 checksum does not match its content.");
        }

        if (length < data.Length)
        {
            throw Refuse(RouterSnapshotFailureReason.Invalid, $"The router snapshot ends after {length} bytes, but {data.Length - length} more follow it.");
        }

        if (version > RouterSnapshot.CurrentFormatVersion)
        {
            throw Refuse(RouterSnapshotFailureReason.NewerVersion, $"The router snapshot has format version {version}, newer than the version {RouterSnapshot.CurrentFormatVersion} this MetaLlm reads; upgrade MetaLlm to load it.");
        }

        if (version < 1)
        {
            throw Refuse(RouterSnapshotFailureReason.UnknownVersion, $"The router snapshot has format version {version}, which no MetaLlm writes; this one reads versions 1 to {RouterSnapshot.CurrentFormatVersion}.");
        }

        return ReadContent(content, version);
    }

    private static RouterSnapshot ReadContent(ReadOnlySpan<byte> content, int version)
    {
        if (content.Length < HeaderOffset)
        {
            throw Invalid($"The router snapshot is {content.Length + ChecksumLength} bytes long, too short to hold a header.");
        }

        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(content[HeaderLengthOffset..]);
        if (headerLength < 0 || headerLength > content.Length - HeaderOffset)
        {
            throw Invalid($"The router snapshot's header declares {headerLength} bytes, but {content.Length - HeaderOffset} follow it.");
        }

        var header = ReadHeader(content.Slice(HeaderOffset, headerLength));
        if (version == 1 && header.Arms!.Any(arm => arm!.Regularization is not null))
        {
            throw Invalid("The router snapshot has format version 1, which has no per-arm penalties, but its header lists one.");
        }

        var featurizer = header.Featurizer!;
        int dimension = featurizer.Dimension;
        var vectors = content[(HeaderOffset + headerLength)..];
        long expected = header.Arms!.Count * VectorBytesPerArm(dimension);
        if (vectors.Length != expected)
        {
            throw Invalid($"The router snapshot's header lists {header.Arms.Count} arms of dimension {dimension}, whose statistics take {expected} bytes, but {vectors.Length} follow it.");
        }

        // Only now, with every byte known to be present, are the arms' d×d matrices allocated.
        var arms = new Dictionary<string, ArmStatistics>(header.Arms.Count, StringComparer.Ordinal);
        foreach (var arm in header.Arms)
        {
            var statistics = FromHeader(arm!, dimension);
            vectors = ReadVectors(vectors, statistics);
            arms.Add(arm!.Name!, statistics);
        }

        var snapshot = new RouterSnapshot
        {
            FormatVersion = version,
            TakenAt = header.TakenAt,
            StatisticsAsOf = header.StatisticsAsOf,
            FeaturizerName = featurizer.Name!,
            FeatureDimension = dimension,
            FeaturizerFingerprint = featurizer.Fingerprint!,
            PolicyName = header.Policy!.Name!,
            PolicySettings = header.Policy.Settings!,
            CostWeight = header.CostWeight,
            DecisionCount = header.DecisionCount,
            FeedbackCount = header.FeedbackCount,
            Arms = arms,
        };

        var errors = snapshot.GetValidationErrors();
        if (errors.Count > 0)
        {
            throw Invalid($"The router snapshot is invalid: {Describe(errors)}");
        }

        return snapshot;
    }

    /// <summary>Parses the header and checks what JSON alone cannot: presence, a dimension to allocate by, unique arm names.</summary>
    private static RouterSnapshotHeader ReadHeader(ReadOnlySpan<byte> json)
    {
        RouterSnapshotHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(json, RouterSnapshotJsonContext.Default.RouterSnapshotHeader);
        }
        catch (JsonException exception)
        {
            // The reader's message names the path and position of the problem, not the values.
            throw Invalid($"The router snapshot's header is not the JSON this version writes: {exception.Message}", exception);
        }

        string? missing = header switch
        {
            null => "header",
            { Featurizer: null } => "featurizer",
            { Featurizer.Name: null } => "featurizer.name",
            { Featurizer.Fingerprint: null } => "featurizer.fingerprint",
            { Policy: null } => "policy",
            { Policy.Name: null } => "policy.name",
            { Policy.Settings: null } => "policy.settings",
            { Arms: null } => "arms",
            _ when header.Arms.Any(arm => arm?.Name is null) => "arms[].name",
            _ => null,
        };
        if (missing is not null)
        {
            throw Invalid($"The router snapshot's header has no {missing}.");
        }

        int dimension = header!.Featurizer!.Dimension;
        if (dimension < 1 || dimension > LinearPolicyOptions.MaxDimension)
        {
            throw Invalid($"The router snapshot's feature dimension must be between 1 and {LinearPolicyOptions.MaxDimension}, but was {dimension}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arm in header.Arms!)
        {
            if (!names.Add(arm!.Name!))
            {
                throw Invalid($"The router snapshot lists arm '{arm.Name}' twice.");
            }
        }

        return header;
    }

    /// <summary>Refuses what the format cannot represent or a load would refuse, before anything is written.</summary>
    private static void ThrowIfUnwritable(RouterSnapshot snapshot)
    {
        var errors = new List<string>(snapshot.GetValidationErrors());
        if (snapshot.FeaturizerFingerprint is null)
        {
            errors.Add($"{nameof(RouterSnapshot.FeaturizerFingerprint)} is missing.");
        }

        if (snapshot.PolicyName is null)
        {
            errors.Add($"{nameof(RouterSnapshot.PolicyName)} is missing.");
        }

        if (snapshot.PolicySettings is null)
        {
            errors.Add($"{nameof(RouterSnapshot.PolicySettings)} is missing.");
        }
        else
        {
            // JSON has no NaN or infinity.
            errors.AddRange(snapshot.PolicySettings
                .Where(setting => !double.IsFinite(setting.Value))
                .Select(setting => $"Policy setting '{setting.Key}' is not finite ({setting.Value})."));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"The snapshot cannot be saved, since it could not be loaded: {Describe(errors)}", nameof(snapshot));
        }
    }

    private static ArmHeader ToHeader(string name, ArmStatistics arm) => new()
    {
        Name = name,
        Count = arm.Count,
        ScoreSum = arm.ScoreSum,
        ScoreSquares = arm.ScoreSquares,
        InputTokens = arm.InputTokens,
        EstimatedInputTokens = arm.EstimatedInputTokens,
        CachedInputTokens = arm.CachedInputTokens,
        CacheWriteTokens = arm.CacheWriteTokens,
        LongCacheWriteTokens = arm.LongCacheWriteTokens,
        OutputTokens = arm.OutputTokens,
        Regularization = arm.Regularization,
    };

    private static ArmStatistics FromHeader(ArmHeader arm, int dimension) => new(dimension)
    {
        Count = arm.Count,
        ScoreSum = arm.ScoreSum,
        ScoreSquares = arm.ScoreSquares,
        InputTokens = arm.InputTokens,
        EstimatedInputTokens = arm.EstimatedInputTokens,
        CachedInputTokens = arm.CachedInputTokens,
        CacheWriteTokens = arm.CacheWriteTokens,
        LongCacheWriteTokens = arm.LongCacheWriteTokens,
        OutputTokens = arm.OutputTokens,
        Regularization = arm.Regularization,
    };

    /// <summary>Gets the bytes of one arm's vectors: the Gram matrix's upper triangle and the two target vectors.</summary>
    private static long VectorBytesPerArm(int dimension) => (((long)dimension * (dimension + 1) / 2) + (2L * dimension)) * sizeof(double);

    private static Span<byte> WriteVectors(Span<byte> destination, ArmStatistics arm)
    {
        int d = arm.Dimension;
        for (int i = 0; i < d; i++)
        {
            destination = Write(destination, arm.Gram.AsSpan((i * d) + i, d - i));
        }

        destination = Write(destination, arm.ScoreTargets);
        return Write(destination, arm.OutputTokenTargets);
    }

    private static ReadOnlySpan<byte> ReadVectors(ReadOnlySpan<byte> source, ArmStatistics arm)
    {
        int d = arm.Dimension;
        var gram = arm.Gram;
        for (int i = 0; i < d; i++)
        {
            source = Read(source, gram.AsSpan((i * d) + i, d - i));
            for (int j = i + 1; j < d; j++)
            {
                gram[(j * d) + i] = gram[(i * d) + j];
            }
        }

        source = Read(source, arm.ScoreTargets);
        return Read(source, arm.OutputTokenTargets);
    }

    private static Span<byte> Write(Span<byte> destination, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(destination[(i * sizeof(double))..], values[i]);
        }

        return destination[(values.Length * sizeof(double))..];
    }

    private static ReadOnlySpan<byte> Read(ReadOnlySpan<byte> source, Span<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(source[(i * sizeof(double))..]);
        }

        return source[(values.Length * sizeof(double))..];
    }

    private static string Describe(IReadOnlyList<string> errors) =>
        string.Join(" ", errors.Take(MaxErrorsInMessage))
        + (errors.Count > MaxErrorsInMessage ? $" ({errors.Count - MaxErrorsInMessage} more problems.)" : string.Empty);

    private static RouterSnapshotException Invalid(string message, Exception? innerException = null) =>
        Refuse(RouterSnapshotFailureReason.Invalid, message, innerException);

    private static RouterSnapshotException Refuse(RouterSnapshotFailureReason reason, string message, Exception? innerException = null) =>
        new(reason, message, innerException);
}
