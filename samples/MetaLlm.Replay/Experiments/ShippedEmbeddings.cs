using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using MetaLlm.Embeddings.Local;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// Read-only MiniLM vectors shipped beside the tool for the bundled dataset's prompts, so a first run need not embed
/// them: each vector int8-quantised with its own scale, keyed by the first 16 bytes of the SHA-256 of the routing text,
/// under a header naming the model, the token budget and the long-text head share they were made with.
/// </summary>
/// <remarks>
/// The vectors are a function of the model and the text. A file made for other settings is not used; one whose vectors
/// no longer match the model (a new tokenizer, say) is caught by <see cref="ReplayFeatures"/>, which re-embeds a few
/// prompts and compares before trusting it. Texts the file does not hold are embedded as usual.
/// </remarks>
internal sealed class ShippedEmbeddings
{
    /// <summary>The file's name in the tool's Data folder.</summary>
    public const string FileName = "replay-embeddings-minilm.bin";

    private const int FormatVersion = 1;
    private const int KeyBytes = 16;

    private static readonly byte[] Magic = "metallm-shipped-embeddings\n"u8.ToArray();

    private readonly Dictionary<UInt128, int> _index;
    private readonly float[] _scales;
    private readonly sbyte[] _values;

    private ShippedEmbeddings(string path, Dictionary<UInt128, int> index, float[] scales, sbyte[] values)
    {
        Path = path;
        _index = index;
        _scales = scales;
        _values = values;
    }

    public string Path { get; }

    /// <summary>Gets the number of vectors.</summary>
    public int Count => _index.Count;

    /// <summary>Opens the file at <paramref name="path"/> if it holds vectors made with <paramref name="options"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The settings of this run's generator.</param>
    /// <param name="problem">Why the file is not used, or <see langword="null"/> when it is used or does not exist.</param>
    /// <returns>The vectors, or <see langword="null"/> when the file is missing, unreadable or made for other settings.</returns>
    public static ShippedEmbeddings? TryOpen(string path, MiniLmEmbeddingGeneratorOptions options, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            {
                throw new InvalidDataException("it is not a file of shipped embeddings of format 1");
            }

            string settings = reader.ReadString();
            if (settings != Settings(options))
            {
                problem = $"its vectors were made with {settings}, and this run uses {Settings(options)}";
                return null;
            }

            int count = reader.ReadInt32();
            long entryBytes = KeyBytes + sizeof(float) + MiniLmEmbeddingGenerator.Dimension;
            if (count < 0 || count * entryBytes != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException($"it declares {count} vectors, which do not fill its {reader.BaseStream.Length} bytes");
            }

            var index = new Dictionary<UInt128, int>(count);
            var scales = new float[count];
            var values = new sbyte[count * MiniLmEmbeddingGenerator.Dimension];
            for (int i = 0; i < count; i++)
            {
                var key = BinaryPrimitives.ReadUInt128LittleEndian(reader.ReadBytes(KeyBytes));
                scales[i] = reader.ReadSingle();
                if (!(scales[i] > 0 && float.IsFinite(scales[i])) || !index.TryAdd(key, i))
                {
                    throw new InvalidDataException($"vector {i} is corrupt");
                }

                if (reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(i * MiniLmEmbeddingGenerator.Dimension, MiniLmEmbeddingGenerator.Dimension))) != MiniLmEmbeddingGenerator.Dimension)
                {
                    throw new EndOfStreamException();
                }
            }

            return new ShippedEmbeddings(path, index, scales, values);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            problem = ex is EndOfStreamException ? "the file is cut short" : ex.Message;
            return null;
        }
    }

    /// <summary>Writes <paramref name="vectors"/> (text → exact MiniLM vector) as a file of shipped embeddings.</summary>
    public static void Write(string path, MiniLmEmbeddingGeneratorOptions options, IReadOnlyList<(string Text, ReadOnlyMemory<float> Vector)> vectors)
    {
        var keys = new HashSet<UInt128>();
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(Settings(options));
                var distinct = vectors.Where(v => keys.Add(Key(v.Text))).OrderBy(v => Key(v.Text)).ToList();
                writer.Write(distinct.Count);
                var quantised = new sbyte[MiniLmEmbeddingGenerator.Dimension];
                Span<byte> key = stackalloc byte[KeyBytes];
                foreach (var (text, vector) in distinct)
                {
                    if (vector.Length != MiniLmEmbeddingGenerator.Dimension)
                    {
                        throw new ArgumentException($"A vector has {vector.Length} values; MiniLM's have {MiniLmEmbeddingGenerator.Dimension}.", nameof(vectors));
                    }

                    float scale = Quantise(vector.Span, quantised);
                    BinaryPrimitives.WriteUInt128LittleEndian(key, Key(text));
                    writer.Write(key);
                    writer.Write(scale);
                    writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(quantised.AsSpan()));
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the shipped vector of <paramref name="text"/>, L2-normalised, to <paramref name="destination"/>.</summary>
    /// <returns>Whether the file holds the text.</returns>
    public bool TryGet(string text, Span<float> destination)
    {
        if (!_index.TryGetValue(Key(text), out int i))
        {
            return false;
        }

        var values = _values.AsSpan(i * MiniLmEmbeddingGenerator.Dimension, MiniLmEmbeddingGenerator.Dimension);
        for (int d = 0; d < values.Length; d++)
        {
            destination[d] = values[d] * _scales[i];
        }

        float norm = TensorPrimitives.Norm(destination[..values.Length]);
        TensorPrimitives.Divide(destination[..values.Length], norm, destination);
        return true;
    }

    public bool Contains(string text) => _index.ContainsKey(Key(text));

    /// <summary>The settings a vector depends on besides its text: the model, the token budget and the long-text head share.</summary>
    internal static string Settings(MiniLmEmbeddingGeneratorOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"{MiniLmEmbeddingGenerator.ModelId};dimension={MiniLmEmbeddingGenerator.Dimension};max-tokens={options.MaxTokens};head-share={options.LongTextHeadShare:R}");

    private static UInt128 Key(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash[..KeyBytes]);
    }

    // Symmetric int8 with the vector's own scale: the largest magnitude maps to ±127.
    private static float Quantise(ReadOnlySpan<float> vector, Span<sbyte> destination)
    {
        float max = Math.Abs(TensorPrimitives.MaxMagnitude(vector)); // the signed value of largest magnitude
        float scale = max > 0 ? max / 127f : 1f;
        for (int d = 0; d < vector.Length; d++)
        {
            destination[d] = (sbyte)Math.Clamp(MathF.Round(vector[d] / scale), -127, 127);
        }

        return scale;
    }
}
