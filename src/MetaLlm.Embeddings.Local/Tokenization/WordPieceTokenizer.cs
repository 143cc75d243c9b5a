using System.Globalization;
using System.Text;

namespace MetaLlm.Embeddings.Local;

/// <summary>
/// The uncased BERT tokenizer that all-MiniLM-L6-v2 was trained with: text cleaning, CJK characters as words,
/// white-space and punctuation splitting, lower-casing with accents stripped, then greedy longest-match WordPiece.
/// </summary>
/// <remarks>
/// Written here rather than taken from the SentenceTransformers package because that one splits only on spaces and CRLF
/// (so a prompt's newlines and tabs glue words into unknown tokens) and silently drops words over 50 characters.
/// Thread-safe: after construction it only reads.
/// </remarks>
internal sealed class WordPieceTokenizer
{
    private const int MaxCharactersPerWord = 100;

    private readonly Dictionary<string, int> _wordStarts;
    private readonly Dictionary<string, int> _wordContinuations;

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

        string normalized = StripAccents(word.ToString().ToLowerInvariant());
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

        if (word.Length > MaxCharactersPerWord)
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

    private static string StripAccents(string text)
    {
        string decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

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
