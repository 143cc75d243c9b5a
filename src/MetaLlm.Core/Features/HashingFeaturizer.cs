using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// A featurizer that needs no model: signed feature hashing of the routing text's word unigrams, word bigrams and
/// character trigrams, L2-normalised, plus a constant bias term in the last position.
/// </summary>
/// <remarks>
/// Text is lower-cased; words are runs of letters and digits. Each n-gram is hashed to an index in
/// <c>[0, Dimension − 1)</c> and a sign, so collisions cancel on average instead of piling up. The word part and the
/// character part are each normalised to unit length, weighted by <see cref="HashingFeaturizerOptions.WordWeight"/>,
/// and the sum normalised again, so the hashed part has length 1 and the bias is exactly 1.
/// </remarks>
public sealed class HashingFeaturizer : IRequestFeaturizer
{
    private const uint FnvPrime = 16777619;
    private const uint FnvOffset = 2166136261;

    private readonly int _hashedDimension;
    private readonly bool _includeInstructions;
    private readonly int _maxCharacters;
    private readonly float _wordWeight;
    private readonly float _charWeight;
    private readonly uint _seed;
    private readonly ulong _modMultiplier;   // Lemire's fast modulo: ⌈2⁶⁴ / (Dimension − 1)⌉

    /// <summary>Initializes a new instance of the <see cref="HashingFeaturizer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public HashingFeaturizer(HashingFeaturizerOptions? options = null)
    {
        options ??= new HashingFeaturizerOptions();
        options.Validate();
        Dimension = options.Dimension;
        _hashedDimension = options.Dimension - 1;
        _includeInstructions = options.IncludeInstructions;
        _maxCharacters = options.MaxCharacters;
        _wordWeight = (float)Math.Sqrt(options.WordWeight);
        _charWeight = (float)Math.Sqrt(1 - options.WordWeight);
        _seed = FnvOffset ^ options.HashSeed;
        _modMultiplier = (ulong.MaxValue / (uint)_hashedDimension) + 1;
        Fingerprint = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"hashing-v1;d={options.Dimension};seed={options.HashSeed};words={options.WordWeight:R};chars={options.MaxCharacters};instructions={options.IncludeInstructions}");
    }

    /// <summary>Initializes a new instance of the <see cref="HashingFeaturizer"/> class with a given dimension.</summary>
    /// <param name="dimension">The length of the feature vector, including the bias term.</param>
    public HashingFeaturizer(int dimension)
        : this(new HashingFeaturizerOptions { Dimension = dimension })
    {
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public string Name => $"hashing-{Dimension}";

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <inheritdoc />
    public ValueTask FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        Featurize(RoutingText.Extract(messages, options, _includeInstructions), destination.Span);
        return default;
    }

    /// <summary>Writes the features of a text into <paramref name="destination"/>.</summary>
    /// <param name="text">The routing text.</param>
    /// <param name="destination">Receives <see cref="Dimension"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void Featurize(ReadOnlySpan<char> text, Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"The destination has length {destination.Length}, but the featurizer writes {Dimension} values.", nameof(destination));
        }

        destination.Clear();
        Span<float> hashed = destination[.._hashedDimension];
        if (text.Length > _maxCharacters)
        {
            int head = _maxCharacters / 2;
            AddNGrams(text[..head], hashed);
            AddNGrams(text[^(_maxCharacters - head)..], hashed);
        }
        else
        {
            AddNGrams(text, hashed);
        }

        float norm = TensorPrimitives.Norm(hashed);
        if (norm > 0)
        {
            TensorPrimitives.Divide(hashed, norm, hashed);
        }

        destination[_hashedDimension] = 1f;
    }

    // Adds the weighted word and character parts of one stretch of text into 'hashed'. One pass hashes every n-gram
    // into separate word and character sums and counts them; each sum is then scaled to about unit length (repeats
    // are rare enough that the count approximates the squared norm) and added.
    private void AddNGrams(ReadOnlySpan<char> text, Span<float> hashed)
    {
        int n = _hashedDimension;
        float[]? rented = null;
        Span<float> sums = n <= 1024 ? stackalloc float[2 * n] : (rented = ArrayPool<float>.Shared.Rent(2 * n)).AsSpan(0, 2 * n);
        sums.Clear();
        Span<float> wordSums = sums[..n];
        Span<float> charSums = sums[n..];
        var (words, trigrams) = VisitNGrams(text, wordSums, charSums);
        if (words > 0)
        {
            TensorPrimitives.MultiplyAdd(wordSums, _wordWeight / MathF.Sqrt(words), hashed, hashed);
        }

        if (trigrams > 0)
        {
            TensorPrimitives.MultiplyAdd(charSums, _charWeight / MathF.Sqrt(trigrams), hashed, hashed);
        }

        if (rented is not null)
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private (int Words, int Trigrams) VisitNGrams(ReadOnlySpan<char> text, Span<float> wordSums, Span<float> charSums)
    {
        int words = 0;
        int trigrams = 0;
        uint wordHash = _seed;
        uint previousWord = 0;
        bool inWord = false;
        bool hasPrevious = false;
        char c1 = ' ', c2 = ' ';
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? Lower(text[i]) : ' ';
            if (IsLetterOrDigit(c))
            {
                wordHash = (wordHash ^ c) * FnvPrime;
                inWord = true;
            }
            else if (inWord)
            {
                uint unigram = Finish(wordHash);
                Add(wordSums, unigram);
                words++;
                if (hasPrevious)
                {
                    Add(wordSums, Finish((previousWord * 31) ^ unigram ^ 0x9E3779B9u));
                    words++;
                }

                previousWord = unigram;
                hasPrevious = true;
                wordHash = _seed;
                inWord = false;
            }

            // Character trigrams, with runs of white space folded to one space: robust to typos and unseen words.
            char folded = IsWhiteSpace(c) ? ' ' : c;
            if (i < text.Length && !(folded == ' ' && c2 == ' '))
            {
                trigrams++;
                uint h = (((((_seed ^ c1) * FnvPrime) ^ c2) * FnvPrime) ^ folded) * FnvPrime;
                Add(charSums, Finish(h ^ 0x85EBCA6Bu));
                c1 = c2;
                c2 = folded;
            }
        }

        return (words, trigrams);
    }

    private void Add(Span<float> sums, uint hash)
    {
        // (hash & 0x7FFFFFFF) % (Dimension − 1), by Lemire's multiply-high instead of a division.
        ulong low = _modMultiplier * (hash & 0x7FFFFFFF);
        int index = (int)Math.BigMul(low, (ulong)(uint)_hashedDimension, out _);
        sums[index] += (hash & 0x80000000) != 0 ? -1f : 1f;
    }

    // ASCII, the common case, without the culture tables; the same answers as the char methods.
    private static char Lower(char c) => c < 128 ? (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c : char.ToLowerInvariant(c);

    private static bool IsLetterOrDigit(char c) => c < 128 ? (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 : char.IsLetterOrDigit(c);

    private static bool IsWhiteSpace(char c) => c < 128 ? c == ' ' || (uint)(c - '\t') <= '\r' - '\t' : char.IsWhiteSpace(c);

    // MurmurHash3's finaliser spreads FNV's weak low bits over the whole word.
    private static uint Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
