using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace MetaLlm.Tests;

public class HashingFeaturizerTests
{
    [Fact]
    public void The_same_text_always_gives_the_same_vector()
    {
        var a = Features(new HashingFeaturizer(64), "How do I reverse a linked list in C#?");
        var b = Features(new HashingFeaturizer(64), "How do I reverse a linked list in C#?");

        a.Should().Equal(b);
        a.Should().OnlyContain(v => float.IsFinite(v));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(512)]
    public void The_hashed_part_has_unit_length_and_the_bias_is_one(int dimension)
    {
        var featurizer = new HashingFeaturizer(dimension);
        var x = Features(featurizer, "Explain the difference between a process and a thread, with an example.");

        x.Should().HaveCount(dimension);
        featurizer.Dimension.Should().Be(dimension);
        featurizer.Name.Should().Be($"hashing-{dimension}");
        x[^1].Should().Be(1f);
        TensorPrimitives.Norm(x.AsSpan(0, dimension - 1)).Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void Similar_questions_are_closer_than_unrelated_ones()
    {
        var featurizer = new HashingFeaturizer(256);
        var derivative = Features(featurizer, "What is the derivative of x squared times sine x?");
        var similar = Features(featurizer, "Compute the derivative of x cubed times cosine x.");
        var typo = Features(featurizer, "What is the derivatve of x sqared times sine x?");
        var unrelated = Features(featurizer, "Write a sonnet about autumn leaves falling in Kyoto.");

        Cosine(derivative, similar).Should().BeGreaterThan(Cosine(derivative, unrelated) + 0.1);
        Cosine(derivative, typo).Should().BeGreaterThan(Cosine(derivative, similar), "character trigrams make one typo a small change");
    }

    [Fact]
    public void Case_does_not_matter()
    {
        var featurizer = new HashingFeaturizer(64);

        Features(featurizer, "Hello World").Should().Equal(Features(featurizer, "hello world"));
    }

    [Fact]
    public void Empty_text_gives_only_the_bias()
    {
        var x = Features(new HashingFeaturizer(32), "");

        x.Take(31).Should().OnlyContain(v => v == 0);
        x[^1].Should().Be(1f);
    }

    [Fact]
    public async Task A_request_without_user_text_gives_only_the_bias()
    {
        var featurizer = new HashingFeaturizer(32);
        var x = new float[32];

        await featurizer.FeaturizeAsync([new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2 }, "image/png")])], null, x);

        x.Take(31).Should().OnlyContain(v => v == 0);
        x[^1].Should().Be(1f);
    }

    [Fact]
    public void Long_texts_keep_only_their_head_and_tail()
    {
        var featurizer = new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = 128, MaxCharacters = 200 });
        string head = new string('h', 10) + " the instructions come first " + new string('x', 61);
        string tail = new string('y', 60) + " and the question comes last " + new string('t', 11);
        head.Length.Should().Be(100);
        tail.Length.Should().Be(100);

        var a = Features(featurizer, head + " a middle about databases and indexes " + tail);
        var b = Features(featurizer, head + " a much longer middle about poetry, rhyme and metre, which is never read " + tail);
        var otherHead = Features(featurizer, "Z" + head[1..] + " a middle about databases and indexes " + tail);
        var otherTail = Features(featurizer, head + " a middle about databases and indexes " + tail[..^1] + "Z");

        a.Should().Equal(b, "only the first and last 100 characters are read");
        a.Should().NotEqual(otherHead);
        a.Should().NotEqual(otherTail);
        TensorPrimitives.Norm(a.AsSpan(0, 127)).Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void The_hash_seed_gives_an_independent_hash()
    {
        var text = "route me to the best model";

        Features(new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = 64, HashSeed = 1 }), text)
            .Should().NotEqual(Features(new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = 64, HashSeed = 2 }), text));
    }

    [Fact]
    public async Task Requests_are_featurized_from_the_last_user_message_unless_instructions_are_included()
    {
        var plain = new HashingFeaturizer(64);
        var withInstructions = new HashingFeaturizer(new HashingFeaturizerOptions { Dimension = 64, IncludeInstructions = true });
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are a lawyer."),
            new(ChatRole.User, "first question"),
            new(ChatRole.Assistant, "an answer"),
            new(ChatRole.User, "second question"),
        ];
        var options = new ChatOptions { Instructions = "Answer briefly." };
        var x = new float[64];

        await plain.FeaturizeAsync(messages, options, x);
        x.Should().Equal(Features(plain, "second question"));

        await withInstructions.FeaturizeAsync(messages, options, x);
        x.Should().Equal(Features(withInstructions, "Answer briefly.\nYou are a lawyer.\nsecond question"));
        RoutingText.Extract(messages, options, includeInstructions: true).Should().Be("Answer briefly.\nYou are a lawyer.\nsecond question");
        RoutingText.Extract([new ChatMessage(ChatRole.Assistant, "only an assistant turn")]).Should().BeEmpty("there is no user message");
    }

    [Fact]
    public void Without_a_user_message_the_system_prompt_is_not_the_routing_text()
    {
        ChatMessage[] messages = [new(ChatRole.System, "You are a terse assistant."), new(ChatRole.Assistant, "Hello.")];

        RoutingText.Extract(messages).Should().BeEmpty("RoutingText documents the last user message, and there is none");
        RoutingText.Extract(messages, includeInstructions: true).Should().Be("You are a terse assistant.", "instructions count only when asked for");
    }

    [Fact]
    public async Task Bad_destinations_options_and_cancellation_are_rejected()
    {
        var featurizer = new HashingFeaturizer(16);

        featurizer.Invoking(f => f.Featurize("text", new float[15])).Should().Throw<ArgumentException>().WithParameterName("destination").WithMessage("*15*16*");
        await featurizer.Invoking(f => f.FeaturizeAsync([new ChatMessage(ChatRole.User, "q")], null, new float[17]).AsTask()).Should().ThrowAsync<ArgumentException>();
        await featurizer.Invoking(f => f.FeaturizeAsync(null!, null, new float[16]).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await featurizer.Invoking(f => f.FeaturizeAsync([new ChatMessage(ChatRole.User, "q")], null, new float[16], new CancellationToken(canceled: true)).AsTask()).Should().ThrowAsync<OperationCanceledException>();
        FluentActions.Invoking(() => new HashingFeaturizer(1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Dimension");
        FluentActions.Invoking(() => new HashingFeaturizer(new HashingFeaturizerOptions { MaxCharacters = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxCharacters");
        FluentActions.Invoking(() => new HashingFeaturizer(new HashingFeaturizerOptions { WordWeight = 1.5 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("WordWeight");
    }

    internal static float[] Features(HashingFeaturizer featurizer, string text)
    {
        var x = new float[featurizer.Dimension];
        featurizer.Featurize(text, x);
        return x;
    }

    private static double Cosine(float[] a, float[] b) =>
        TensorPrimitives.CosineSimilarity(a.AsSpan(0, a.Length - 1), b.AsSpan(0, b.Length - 1));
}
