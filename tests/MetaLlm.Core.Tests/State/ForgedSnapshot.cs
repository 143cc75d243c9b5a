using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaLlm.Tests.State;

/// <summary>
/// A serialized snapshot taken apart, edited and sealed again with consistent lengths and a correct checksum, so a test
/// reaches the one check it means to (what only a buggy writer or a crafted file produces).
/// </summary>
internal sealed class ForgedSnapshot
{
    private const int HeaderOffset = RouterSnapshotSerializer.HeaderOffset;

    private ForgedSnapshot(int version, string header, byte[] vectors)
    {
        Version = version;
        HeaderText = header;
        Vectors = vectors;
    }

    public int Version { get; set; }

    /// <summary>Gets or sets the header as text, for edits that are not JSON; <see cref="Header"/> edits are lost when this is set.</summary>
    public string HeaderText { get; set; }

    public byte[] Vectors { get; set; }

    public int Dimension => (int)Header()["featurizer"]!["dimension"]!;

    public static ForgedSnapshot From(byte[] bytes)
    {
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(RouterSnapshotSerializer.HeaderLengthOffset));
        return new ForgedSnapshot(
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(RouterSnapshotSerializer.VersionOffset)),
            Encoding.UTF8.GetString(bytes, HeaderOffset, headerLength),
            bytes[(HeaderOffset + headerLength)..^RouterSnapshotSerializer.ChecksumLength]);
    }

    /// <summary>Parses the header for an edit; call <see cref="EditHeader"/> to keep it.</summary>
    public JsonObject Header() => JsonNode.Parse(HeaderText)!.AsObject();

    public ForgedSnapshot EditHeader(Action<JsonObject> edit)
    {
        var header = Header();
        edit(header);
        HeaderText = header.ToJsonString();
        return this;
    }

    /// <summary>Overwrites one double of an arm's vectors: the Gram matrix's upper triangle, then the score and output-token targets.</summary>
    public ForgedSnapshot SetVector(int arm, int index, double value)
    {
        int d = Dimension;
        int perArm = (d * (d + 1) / 2) + (2 * d);
        BinaryPrimitives.WriteDoubleLittleEndian(Vectors.AsSpan(((arm * perArm) + index) * sizeof(double)), value);
        return this;
    }

    public int ScoreTargetIndex(int i) => (Dimension * (Dimension + 1) / 2) + i;

    public int OutputTokenTargetIndex(int i) => (Dimension * (Dimension + 1) / 2) + Dimension + i;

    /// <summary>Writes the bytes with a correct checksum; the lengths are the true ones unless overridden.</summary>
    public byte[] Seal(int? headerLength = null, long? length = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(HeaderText);
        var bytes = new byte[HeaderOffset + header.Length + Vectors.Length + RouterSnapshotSerializer.ChecksumLength];
        RouterSnapshotSerializer.Signature.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RouterSnapshotSerializer.VersionOffset), Version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(RouterSnapshotSerializer.LengthOffset), length ?? bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RouterSnapshotSerializer.HeaderLengthOffset), headerLength ?? header.Length);
        header.CopyTo(bytes, HeaderOffset);
        Vectors.CopyTo(bytes, HeaderOffset + header.Length);
        Reseal(bytes);
        return bytes;
    }

    /// <summary>Recomputes the checksum of bytes edited in place.</summary>
    public static void Reseal(byte[] bytes) =>
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - RouterSnapshotSerializer.ChecksumLength), bytes.AsSpan(bytes.Length - RouterSnapshotSerializer.ChecksumLength));
}
