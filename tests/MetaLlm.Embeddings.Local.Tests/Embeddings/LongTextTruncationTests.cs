namespace MetaLlm.Embeddings.Local.Tests;

[Collection(SharedMiniLmModel.Name)]
public sealed class LongTextTruncationTests(MiniLmFixture fixture)
{
    // About 12 tokens a sentence: far more than the default budget of 256 once repeated.
    private static readonly string Passage = string.Concat(Enumerable.Repeat("The committee met on Tuesday to review the annual budget of the museum. ", 60));

    [Fact]
    public void A_long_text_is_cut_to_the_token_budget_keeping_its_start_and_end()
    {
        int[] all = fixture.Generator.Tokenize(Passage + " Which answer is correct?");
        int[] question = fixture.Generator.Tokenize("Which answer is correct?");

        all.Should().HaveCount(256);
        all[0].Should().Be(101);
        all[^1].Should().Be(102);
        all[1..5].Should().Equal(fixture.Generator.Tokenize("The committee met on")[1..5]);
        all[^(question.Length - 1)..].Should().Equal(question[1..], "the question at the end of a long prompt is kept");
    }

    [Fact]
    public async Task With_the_default_head_and_tail_only_the_middle_of_a_long_text_is_ignored()
    {
        string head = "Read the passage and answer the question. ";
        string tail = " Question: what did the committee review?";
        var baseline = await fixture.EmbedAsync(head + Passage + Passage + tail);
        var otherMiddle = await fixture.EmbedAsync(head + Passage + "Completely different words about volcanoes erupting. " + Passage + tail);
        var otherQuestion = await fixture.EmbedAsync(head + Passage + Passage + " Question: how many volcanoes erupted in Iceland?");
        var otherStart = await fixture.EmbedAsync("Translate this text into German. " + Passage + Passage + tail);

        otherMiddle.Should().Equal(baseline);
        otherQuestion.Should().NotEqual(baseline);
        otherStart.Should().NotEqual(baseline);
    }

    [Theory]
    [InlineData(1.0, true, false)]
    [InlineData(0.0, false, true)]
    public async Task The_head_share_chooses_which_end_of_a_long_text_is_kept(double headShare, bool startMatters, bool endMatters)
    {
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { LongTextHeadShare = headShare, MaxTokens = 64 });
        async Task<float[]> Embed(string text) => (await generator.GenerateAsync([text])).Single().Vector.ToArray();

        var baseline = await Embed("Summarise this report. " + Passage + " What was reviewed?");
        var otherStart = await Embed("Translate this report. " + Passage + " What was reviewed?");
        var otherEnd = await Embed("Summarise this report. " + Passage + " Who chaired the meeting?");

        (!otherStart.SequenceEqual(baseline)).Should().Be(startMatters);
        (!otherEnd.SequenceEqual(baseline)).Should().Be(endMatters);
    }

    [Fact]
    public async Task Texts_far_beyond_the_model_limit_embed_at_the_full_512_tokens()
    {
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxTokens = 512 });
        string huge = string.Concat(Enumerable.Repeat(Passage, 5));

        var result = await generator.GenerateAsync([huge, "short"]);

        generator.Tokenize(huge).Should().HaveCount(512);
        result[0].Vector.Length.Should().Be(384);
        result.Usage!.InputTokenCount.Should().Be(512 + 3);
    }
}
