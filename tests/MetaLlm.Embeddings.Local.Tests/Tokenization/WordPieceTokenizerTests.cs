namespace MetaLlm.Embeddings.Local.Tests;

[Collection(SharedMiniLmModel.Name)]
public sealed class WordPieceTokenizerTests(MiniLmFixture fixture)
{
    private int[] Words(string text) => fixture.Generator.Tokenize(text)[1..^1];

    [Fact]
    public void Sequences_start_with_CLS_and_end_with_SEP_and_use_BERT_uncased_ids()
    {
        // bert-base-uncased ids, which all-MiniLM-L6-v2 shares: [CLS]=101, hello=7592, world=2088, [SEP]=102.
        fixture.Generator.Tokenize("Hello world").Should().Equal(101, 7592, 2088, 102);
        fixture.Generator.Tokenize(string.Empty).Should().Equal(101, 102);
    }

    [Fact]
    public void Newlines_and_tabs_separate_words_like_spaces()
    {
        Words("first line\nsecond\tline\r\nthird").Should().Equal(Words("first line second line third"));
    }

    [Fact]
    public void Case_and_accents_are_folded()
    {
        Words("CAFÉ Naïve").Should().Equal(Words("cafe naive"));
    }

    [Fact]
    public void Punctuation_is_split_off_and_unknown_words_split_into_pieces()
    {
        Words("x=3,y").Should().Equal(Words("x = 3 , y"));

        Words("tokenization").Should().HaveCount(2, "the vocabulary has 'token' and '##ization' but not the whole word");
        Words("3x").Should().HaveCount(2).And.NotContain(100, "short words are spelled in pieces too");
    }

    [Fact]
    public void Words_the_vocabulary_cannot_spell_become_one_unknown_token()
    {
        const int unknown = 100;
        Words("\u2603\u2603").Should().Equal(unknown);
        Words(new string('a', 101)).Should().Equal(unknown);
    }

    [Fact]
    public void Each_CJK_ideograph_is_a_word_of_its_own()
    {
        Words("中文").Should().Equal(Words("中 文"));
        Words("中文").Should().HaveCount(2);
    }

    [Fact]
    public void Known_prompts_give_the_HuggingFace_ids()
    {
        // Ids from HuggingFace's tokenizer for all-MiniLM-L6-v2 (tokenizers' BertNormalizer, BertPreTokenizer, WordPiece).
        fixture.Generator.Tokenize("This is an example sentence").Should().Equal(101, 2023, 2003, 2019, 2742, 6251, 102);
        Words("Find all values of $x$ such that\n\\[3^x + 4^x + 5^x = 6^x.\\]").Should().Equal(
            2424, 2035, 5300, 1997, 1002, 1060, 1002, 2107, 2008, 1032, 1031, 1017, 1034, 1060, 1009, 1018, 1034, 1060, 1009, 1019, 1034, 1060, 1027, 1020, 1034, 1060, 1012, 1032, 1033);
        Words("x=3,y").Should().Equal(1060, 1027, 1017, 1010, 1061);
    }

    [Fact]
    public void Accents_are_stripped_before_lower_casing_as_HuggingFace_does()
    {
        // 'İ' is 'I' and a combining dot: stripped first it lower-cases to 'i'; .NET's invariant lower-casing alone keeps 'İ'.
        Words("İstanbul").Should().Equal(9960);
    }

    [Fact]
    public void Marks_outside_the_basic_plane_are_stripped_too()
    {
        // VARIATION SELECTOR-17 (U+E0100) is a non-spacing mark written as a surrogate pair.
        Words("x\U000E0100y").Should().Equal(1060, 2100);
    }

    [Fact]
    public void Line_and_paragraph_separators_separate_words()
    {
        Words("line\u2028separator").Should().Equal(2240, 19802, 25879, 2953);
        Words("para\u2029separator").Should().Equal(Words("para separator"));
    }

    [Fact]
    public void Special_tokens_written_in_the_text_are_those_tokens_as_written_only()
    {
        // As the model's tokenizer.json declares them: matched in the raw text, case and all.
        Words("text with [SEP] inside").Should().Equal(3793, 2007, 102, 2503);
        Words("x[SEP]y[CLS]").Should().Equal(1060, 102, 1061, 101);
        Words("[[SEP]]").Should().Equal(1031, 102, 1033);
        Words("[MASK]ed [PAD] [UNK]").Should().Equal(103, 3968, 0, 100);
        Words("[sep] [SEP").Should().Equal(1031, 19802, 1033, 1031, 19802);
    }
}
