using Microsoft.ML.Tokenizers;

namespace MetaLlm.Embeddings.Local.Tests;

/// <summary>
/// Why <see cref="WordPieceTokenizer"/> is not replaced by Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>: on these
/// inputs the two part, and ours gives the ids of HuggingFace's tokenizer for all-MiniLM-L6-v2 (pinned below, taken
/// from the `tokenizers` package's BertNormalizer, BertPreTokenizer and WordPiece over the same vocabulary). Swapping
/// the tokenizers fails the first test; a BertTokenizer release that fixes all of them fails the second, which is the
/// time to look again (`tokenizers` command of the benchmarks project).
/// </summary>
public sealed class BertTokenizerComparisonTests
{
    private static readonly WordPieceTokenizer Ours = LoadOurs();
    private static readonly BertTokenizer Bert = LoadBert();

    public static TheoryData<string, int[]> Differing => new()
    {
        // BertTokenizer deletes tab, CR and LF as control characters, so the words on either side become one.
        { "first line\nsecond line", [2034, 2240, 2117, 2240] },
        { "tab\tseparated\tvalues", [21628, 5459, 5300] },

        // Its pre-tokenizer keeps only \w+ runs and \p{P}: symbols ($ ^ + = < > | ~ `, currency, emoji) vanish.
        { "Evaluate $81^{3/4}$.", [16157, 1002, 6282, 1034, 1063, 1017, 1013, 1018, 1065, 1002, 1012] },
        { "emoji 😀 test", [7861, 29147, 2072, 100, 3231] },

        // '_' is a word character to \w but punctuation to BERT.
        { "snake_case_name", [7488, 1035, 2553, 1035, 2171] },

        // Format characters (zero-width space, soft hyphen, BOM) are kept rather than deleted.
        { "zero\u200Bwidth space", [5717, 9148, 11927, 2232, 2686] },

        // Its normaliser recomposes (NFC) after stripping accents, so Hangul syllables are not spelled in jamo.
        { "안녕하세요", [1463, 30006, 30021, 29992, 30010, 30025, 30005, 30006, 29997, 30009, 29999, 30013] },

        // It finds special tokens after lower-casing, so "[cls]" becomes [CLS]; HuggingFace matches only "[CLS]" as written.
        { "[cls] lowercase", [1031, 18856, 2015, 1033, 2896, 18382] },
    };

    [Theory]
    [MemberData(nameof(Differing))]
    public void Ours_gives_the_HuggingFace_ids(string text, int[] expected)
    {
        var ids = new List<int>();
        Ours.Tokenize(text, ids);

        ids.Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(Differing))]
    public void BertTokenizer_configured_for_the_model_gives_other_ids(string text, int[] expected)
    {
        Bert.EncodeToIds(text, addSpecialTokens: false).Should().NotEqual(expected);
    }

    [Fact]
    public void Both_agree_on_plain_text()
    {
        // The same vocabulary, options and framing: where nothing above is involved, the ids are the same.
        const string text = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.";
        var ids = new List<int>();
        Ours.Tokenize(text, ids);

        Bert.EncodeToIds(text, addSpecialTokens: false).Should().Equal(ids);
        Bert.EncodeToIds(text).Should().Equal([101, .. ids, 102]);
    }

    private static WordPieceTokenizer LoadOurs()
    {
        using var vocabulary = MiniLmModel.OpenVocabulary();
        return WordPieceTokenizer.Load(vocabulary);
    }

    // Set as all-MiniLM-L6-v2's tokenizer_config.json says: do_lower_case, tokenize_chinese_chars, strip_accents null
    // (accents go with lower-casing), do_basic_tokenize; the special tokens are split off as HuggingFace does.
    private static BertTokenizer LoadBert()
    {
        using var vocabulary = MiniLmModel.OpenVocabulary();
        return BertTokenizer.Create(vocabulary, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            RemoveNonSpacingMarks = true,
            SplitOnSpecialTokens = true,
            MaxInputCharsPerWord = 100,
        });
    }
}
