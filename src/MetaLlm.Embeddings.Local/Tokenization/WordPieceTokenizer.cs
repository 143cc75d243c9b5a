using System.Globalization;
using System.Text;

namespace MetaLlm.Embeddings.Local;

/// <summary>
/// The uncased BERT tokenizer that all-MiniLM-L6-v2 was trained with: text cleaning, CJK characters as words,
/// white-space and punctuation splitting, lower-casing with accents stripped, then greedy longest-match WordPiece.
/// </summary>
/// <remarks>
/// <para>
/// Written here rather than taken from the SentenceTransformers package because that one splits only on spaces and CRLF
/// (so a prompt's newlines and tabs glue words into unknown tokens) and silently drops words over 50 characters.
/// Thread-safe: after construction it only reads.
/// </para>
/// <para>
/// Nor from Microsoft.ML.Tokenizers 2.0.1: its <c>BertTokenizer</c>, set as the model's tokenizer config says
/// (lower-casing, basic tokenization, accents stripped, CJK split, special tokens split off, 100 characters a word), gives
/// other ids than this class for 1,420 of the 6,108 dcrouter questions (1,338 still differ after the 256-token cut), and
/// this class gives HuggingFace's ids for all 6,108 (<c>tokenizers</c> command of the benchmarks project, then its
/// <c>hf-reference.js</c>). BertTokenizer deletes tab, CR and LF as control characters, so the words around them merge
/// ("line\nsecond" becomes "linesecond"); keeps only <c>\w+</c> runs and <c>\p{P}</c>, so symbols vanish
/// (<c>$ ^ + = &lt; &gt; | ~ `</c>, currency, emoji) and '_' stays inside words; keeps format characters (zero-width
/// space, soft hyphen, BOM); recomposes Hangul after stripping accents (Korean words become [UNK]); and matches
/// "[cls]" as [CLS]. Patching its normaliser and pre-tokenizer with code of ours (the benchmark's
/// <c>CreatePatched</c>) brings dcrouter to 0 differences but leaves the last three, which only a normaliser of our
/// own would fix.
/// </para>
/// <para>
/// Where this class still departs from HuggingFace's tokenizer (the Rust one that sentence-transformers loads), probing
/// each of the 1,112,063 Unicode scalar values in and between words (<c>--code-points</c>), it gives other ids for
/// 820,407: 819,647 code points unassigned in Unicode 14 (those still unassigned this class deletes, as the Python
/// BertTokenizer does, where the Rust one makes them [UNK]); 504 characters added or re-categorised since the Rust one's Unicode tables, where this class
/// follows .NET's newer data; and U+2B820-U+2B91F, CJK to this class and the BERT reference, not to the Rust one (its
/// range starts at U+2B920). No dcrouter question holds any of them.
/// </para>
/// </remarks>
internal sealed class WordPieceTokenizer
{
    /// <summary>
    /// The revision of the ids this class gives, part of the embedding cache key: raise it whenever any text's ids change,
    /// so vectors cached from the old ids are not served for the new. 2: special tokens as written, U+2028 and U+2029 as
    /// white space, marks outside the BMP stripped, accents stripped before lower-casing.
    /// </summary>
    public const int Revision = 2;

    private const int MaxCharactersPerWord = 100;

    private readonly Dictionary<string, int> _wordStarts;
    private readonly Dictionary<string, int> _wordContinuations;
    private readonly (string Token, int Id)[] _specialTokens;

    /// <summary>Initializes a new instance of the <see cref="WordPieceTokenizer"/> class from a vocabulary, one token a line.</summary>
    /// <param name="vocabulary">The vocabulary; a token's id is its line number counting from 0.</param>
    public WordPieceTokenizer(IReadOnlyList<string> vocabulary)
    {
        _wordStarts = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        _wordContinuations = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < vocabulary.Count; id++)
        {
            string token = vocabulary[id];
            if (token.StartsWith("##", StringComparison.Ordinal) && token.Length > 2)
            {
                _wordContinuations.TryAdd(token[2..], id);
            }
            else
            {
                _wordStarts.TryAdd(token, id);
            }
        }

        ClassifierId = RequiredId("[CLS]");
        SeparatorId = RequiredId("[SEP]");
        UnknownId = RequiredId("[UNK]");
        PaddingId = RequiredId("[PAD]");
        _specialTokens =
        [
            ("[CLS]", ClassifierId), ("[SEP]", SeparatorId), ("[UNK]", UnknownId), ("[PAD]", PaddingId), ("[MASK]", RequiredId("[MASK]")),
        ];
    }

    /// <summary>Gets the id of <c>[CLS]</c>, which starts every sequence.</summary>
    public int ClassifierId { get; }

    /// <summary>Gets the id of <c>[SEP]</c>, which ends every sequence.</summary>
    public int SeparatorId { get; }

    /// <summary>Gets the id of <c>[UNK]</c>, for words the vocabulary cannot spell.</summary>
    public int UnknownId { get; }

    /// <summary>Gets the id of <c>[PAD]</c>.</summary>
    public int PaddingId { get; }

    /// <summary>Reads a vocabulary file, one token a line.</summary>
    /// <param name="stream">The file's content.</param>
    /// <returns>The tokenizer.</returns>
    public static WordPieceTokenizer Load(Stream stream)
    {
        var vocabulary = new List<string>(32_000);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            vocabulary.Add(line.TrimEnd('\r'));
        }

        return new WordPieceTokenizer(vocabulary);
    }

    /// <summary>Appends the WordPiece ids of <paramref name="text"/>, without <c>[CLS]</c> and <c>[SEP]</c>, to <paramref name="ids"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="ids">Receives the ids.</param>
    public void Tokenize(string text, List<int> ids)
    {
        // The special tokens written out in the text are those tokens, matched before any normalisation, as the
        // model's tokenizer.json declares them (added tokens with "normalized": false): "[SEP]" is 102, "[sep]" is text.
        int start = 0;
        int at = text.IndexOf('[');
        while (at >= 0)
        {
            if (SpecialTokenAt(text, at) is (int id, int length))
            {
                TokenizeText(text.AsSpan(start, at - start), ids);
                ids.Add(id);
                start = at + length;
                at = text.IndexOf('[', start);
            }
            else
            {
                at = text.IndexOf('[', at + 1);
            }
        }

        TokenizeText(text.AsSpan(start), ids);
    }

    private (int Id, int Length)? SpecialTokenAt(string text, int index)
    {
        foreach (var (token, id) in _specialTokens)
        {
            if (string.CompareOrdinal(text, index, token, 0, token.Length) == 0)
            {
                return (id, token.Length);
            }
        }

        return null;
    }

    private void TokenizeText(ReadOnlySpan<char> text, List<int> ids)
    {
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            int value = rune.Value;
            if (value == 0 || value == 0xFFFD || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                FlushWord(word, ids);
            }
            else if (IsCjkIdeograph(value))
            {
                // CJK text has no spaces; BERT treats each ideograph as a word of its own.
                FlushWord(word, ids);
                word.Append(rune.ToString());
                FlushWord(word, ids);
            }
            else
            {
                word.Append(rune.ToString());
            }
        }

        FlushWord(word, ids);
    }

    private void FlushWord(StringBuilder word, List<int> ids)
    {
        if (word.Length == 0)
        {
            return;
        }

        // Accents go before lower-casing, as in HuggingFace's BertNormalizer: 'İ' decomposes to 'I' + a dot and then
        // lower-cases to 'i', where .NET's invariant lower-casing would leave 'İ' as it is.
        string normalized = StripAccents(word.ToString()).ToLowerInvariant();
        word.Clear();

        // Every punctuation character is a word of its own.
        int start = 0;
        for (int i = 0; i < normalized.Length; i++)
        {
            if (IsPunctuation(normalized, i, out int length))
            {
                AddWordPieces(normalized.AsSpan(start, i - start), ids);
                AddWordPieces(normalized.AsSpan(i, length), ids);
                start = i + length;
                i += length - 1;
            }
        }

        AddWordPieces(normalized.AsSpan(start), ids);
    }

    private void AddWordPieces(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (word.Length > MaxCharactersPerWord && CountCodePoints(word) > MaxCharactersPerWord)
        {
            ids.Add(UnknownId);
            return;
        }

        int count = ids.Count;
        int start = 0;
        while (start < word.Length)
        {
            var vocabulary = start == 0 ? _wordStarts : _wordContinuations;
            int matched = -1;
            int end = word.Length;
            for (; end > start; end--)
            {
                if (vocabulary.TryGetValue(word[start..end].ToString(), out matched))
                {
                    break;
                }
            }

            if (end == start)
            {
                // A word the vocabulary cannot spell is one unknown token, not a partial spelling.
                ids.RemoveRange(count, ids.Count - count);
                ids.Add(UnknownId);
                return;
            }

            ids.Add(matched);
            start = end;
        }
    }

    // By code point, not UTF-16 unit: marks outside the BMP (variation selectors 17-256, Kharoshthi vowel signs) go too.
    private static string StripAccents(string text)
    {
        string decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        for (int i = 0; i < decomposed.Length;)
        {
            Rune.DecodeFromUtf16(decomposed.AsSpan(i), out var rune, out int length);
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(decomposed, i, length);
            }

            i += length;
        }

        return builder.ToString();
    }

    // Rust's char::is_whitespace, as HuggingFace's fast tokenizer uses: the controls among it (U+000B, U+000C, U+0085)
    // are dropped before this is asked, which leaves tab, line ends, space separators and U+2028, U+2029.
    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r'
            || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static int CountCodePoints(ReadOnlySpan<char> text)
    {
        int count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    // BERT counts every non-alphanumeric ASCII character as punctuation, besides Unicode's punctuation categories.
    private static bool IsPunctuation(string text, int index, out int length)
    {
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out length);
        int value = rune.Value;
        if (value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsCjkIdeograph(int value) =>
        value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    private int RequiredId(string token) =>
        _wordStarts.TryGetValue(token, out int id)
            ? id
            : throw new InvalidDataException($"The MiniLM vocabulary has no '{token}' token.");
}
