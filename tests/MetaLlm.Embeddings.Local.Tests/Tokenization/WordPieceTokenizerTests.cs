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
}
