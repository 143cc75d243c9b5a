using System.Numerics.Tensors;
using MetaLlm.Embeddings.Local;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.Tests.Experiments;

public sealed class ShippedEmbeddingsTests : IDisposable
{
    private static readonly MiniLmEmbeddingGeneratorOptions Defaults = new();

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Vectors_are_read_back_within_int8_precision_and_only_for_their_own_texts()
    {
        var random = new Random(4);
        var vectors = Enumerable.Range(0, 50).Select(i => ($"text {i}", (ReadOnlyMemory<float>)UnitVector(random))).ToList();
        string path = _files.PathOf("shipped.bin");

        ShippedEmbeddings.Write(path, Defaults, vectors);
        var shipped = ShippedEmbeddings.TryOpen(path, Defaults, out string? problem);

        problem.Should().BeNull();
        shipped!.Count.Should().Be(50);
        new FileInfo(path).Length.Should().BeLessThan(50 * (16 + 4 + 384) + 200, "one byte per value, a scale and a 16-byte key per vector");
        var read = new float[MiniLmEmbeddingGenerator.Dimension];
        foreach (var (text, vector) in vectors)
        {
            shipped.TryGet(text, read).Should().BeTrue();
            TensorPrimitives.CosineSimilarity(read, vector.Span).Should().BeGreaterThan(0.9999f);
            TensorPrimitives.Norm(read).Should().BeApproximately(1f, 1e-5f);
        }

        shipped.TryGet("text 50", read).Should().BeFalse();
        shipped.Contains("Text 1").Should().BeFalse("the key is the exact text");
    }

    [Fact]
    public void A_file_made_for_another_token_budget_is_not_used()
    {
        string path = _files.PathOf("shipped.bin");
        ShippedEmbeddings.Write(path, new MiniLmEmbeddingGeneratorOptions { MaxTokens = 128 }, [("a", UnitVector(new Random(1)))]);

        var shipped = ShippedEmbeddings.TryOpen(path, Defaults, out string? problem);

        shipped.Should().BeNull();
        problem.Should().Be("its vectors were made with all-MiniLM-L6-v2;dimension=384;max-tokens=128;head-share=0.25, and this run uses all-MiniLM-L6-v2;dimension=384;max-tokens=256;head-share=0.25");
    }

    [Theory]
    [InlineData("garbage", "it is not a file of shipped embeddings of format 1")]
    [InlineData("cut", "it declares 2 vectors, which do not fill its *")]
    [InlineData("missing", null)]
    public void A_missing_corrupt_or_cut_short_file_is_not_used(string damage, string? expected)
    {
        string path = _files.PathOf("shipped.bin");
        var random = new Random(2);
        ShippedEmbeddings.Write(path, Defaults, [("a", UnitVector(random)), ("b", UnitVector(random))]);
        switch (damage)
        {
            case "garbage":
                File.WriteAllText(path, "not vectors at all, but long enough to hold a header");
                break;
            case "cut":
                File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);
                break;
            default:
                File.Delete(path);
                break;
        }

        var shipped = ShippedEmbeddings.TryOpen(path, Defaults, out string? problem);

        shipped.Should().BeNull();
        if (expected is null)
        {
            problem.Should().BeNull("no file is no problem: every prompt is embedded");
        }
        else
        {
            problem.Should().Match(expected);
        }
    }

    [Fact]
    public async Task The_shipped_file_holds_every_bundled_prompt_and_agrees_with_the_model()
    {
        string data = Path.Combine(AppContext.BaseDirectory, "Data");
        var texts = ReplayFeatures.DistinctRoutingTexts(
            DatasetReader.Read(Path.Combine(data, "test.json")).Queries.Concat(DatasetReader.Read(Path.Combine(data, "train.json")).Queries).Select(q => q.Messages));
        var shipped = ShippedEmbeddings.TryOpen(Path.Combine(data, ShippedEmbeddings.FileName), Defaults, out string? problem);

        problem.Should().BeNull();
        shipped!.Count.Should().Be(texts.Count);
        texts.Should().OnlyContain(t => shipped.Contains(t));

        // A sample spread over the dataset (long prompts included), embedded by the real model.
        var sample = Enumerable.Range(0, 24).Select(i => texts[i * texts.Count / 24]).Append(texts.MaxBy(t => t.Length)!).ToList();
        using var model = new MiniLmEmbeddingGenerator(Defaults);
        var exact = await model.GenerateAsync(sample);
        var read = new float[MiniLmEmbeddingGenerator.Dimension];
        for (int i = 0; i < sample.Count; i++)
        {
            shipped.TryGet(sample[i], read).Should().BeTrue();
            TensorPrimitives.CosineSimilarity(read, exact[i].Vector.Span).Should().BeGreaterThan(0.9995f, $"the shipped vector of prompt {i} must be the model's, quantised");
        }
    }

    [Fact]
    public async Task A_run_takes_the_shipped_vectors_and_routes_as_with_exact_ones()
    {
        var request = SmallRequest();
        string shippedPath = _files.PathOf("shipped.bin");
        using (var writer = ReplayExperiment.Load(request))
        {
            (await writer.WriteShippedEmbeddingsAsync(shippedPath)).Should().Be(writer.TextsToEmbed);
        }

        using var exact = ReplayExperiment.Load(request);
        using var shipped = ReplayExperiment.Load(request with { ShippedEmbeddingsPath = shippedPath });
        var exactReport = await exact.RunAsync();
        var shippedReport = await shipped.RunAsync();

        shipped.Features!.ShippedProblem.Should().BeNull();
        shipped.Features.Shipped.Should().Be(shipped.TextsToEmbed);
        shipped.Features.Embedded.Should().Be(0, "the check re-embeds with the model itself, outside the cache");
        shipped.Features.Cache!.Count.Should().Be(0, "shipped vectors never enter the embedding cache");
        shipped.Features.ShippedPath.Should().Be(shippedPath);
        exact.Features!.Shipped.Should().Be(0);
        shippedReport.Points.Single().Accuracy.Should().BeApproximately(exactReport.Points.Single().Accuracy, 0.05);
    }

    [Theory]
    [InlineData("stale")]
    [InlineData("corrupt")]
    [InlineData("other-budget")]
    public async Task A_stale_corrupt_or_foreign_shipped_file_falls_back_to_embedding_every_prompt(string kind)
    {
        var request = SmallRequest();
        string shippedPath = _files.PathOf("shipped.bin");
        using (var experiment = ReplayExperiment.Load(request))
        {
            var texts = ReplayFeatures.DistinctRoutingTexts(experiment.Queries.Concat(experiment.Train!.Queries).Select(q => q.Messages));
            var random = new Random(3);
            switch (kind)
            {
                case "stale":
                    // The right keys with vectors the model does not make, as after a change of tokenizer.
                    ShippedEmbeddings.Write(shippedPath, Defaults, [.. texts.Select(t => (t, (ReadOnlyMemory<float>)UnitVector(random)))]);
                    break;
                case "corrupt":
                    File.WriteAllText(shippedPath, "corrupt");
                    break;
                default:
                    ShippedEmbeddings.Write(shippedPath, new MiniLmEmbeddingGeneratorOptions { MaxTokens = 64 }, [.. texts.Select(t => (t, (ReadOnlyMemory<float>)UnitVector(random)))]);
                    break;
            }
        }

        using var run = ReplayExperiment.Load(request with { ShippedEmbeddingsPath = shippedPath });
        var report = await run.RunAsync();

        run.Features!.ShippedProblem.Should().Contain(kind switch { "stale" => "disagree with the model's", "corrupt" => "not a file of shipped embeddings", _ => "max-tokens=64" });
        run.Features.Shipped.Should().Be(0);
        run.Features.Embedded.Should().Be(run.TextsToEmbed);
        report.Points.Single().Accuracy.Should().BeGreaterThan(0.7);
    }

    private static float[] UnitVector(Random random)
    {
        var vector = new float[MiniLmEmbeddingGenerator.Dimension];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    private ReplayRequest SmallRequest() => new()
    {
        TrainPath = _files.Write("train.json", SmallSplit.Json(24, seed: 1)),
        TestPath = _files.Write("test.json", SmallSplit.Json(10, seed: 2)),
        PricesPath = _files.Write("prices.json", SmallSplit.Prices),
        Lambdas = [0.3],
        Seeds = 1,
        Settings = [ReplaySetting.Offline],
        Policies = [ReplayPolicy.MetaLlmPaper],
        EmbeddingCachePath = null,
        Tuning = new ReplayTuning { Featurizer = ReplayFeaturizerKind.MiniLm },
        MaxParallelism = 2,
    };
}
