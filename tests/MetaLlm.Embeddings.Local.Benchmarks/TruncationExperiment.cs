using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;

namespace MetaLlm.Embeddings.Local.Benchmarks;

/// <summary>
/// Which part of a long prompt should MiniLM read? Embeds the dcrouter questions with each truncation and routes every
/// question by its nearest neighbours (leave-one-out over train and test): the mean score of the chosen model, on the
/// long questions and on all, says which truncation routes best.
/// </summary>
internal static class TruncationExperiment
{
    private const int Neighbours = 25;

    public static async Task RunAsync(string folder)
    {
        var rows = Load(Path.Combine(folder, "train.json")).Concat(Load(Path.Combine(folder, "test.json"))).ToArray();
        string[] models = rows[0].Scores.Keys.Order(StringComparer.Ordinal).ToArray();
        var scores = rows.Select(r => models.Select(m => r.Scores[m]).ToArray()).ToArray();

        using var counter = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxTokens = 512 });
        var tokenCounts = rows.Select(r => counter.Tokenize(r.Question).Length).ToArray();
        bool[] isLong = tokenCounts.Select(c => c > 256).ToArray();
        int longCount = isLong.Count(l => l);
        Console.WriteLine($"{rows.Length} questions, {models.Length} models; {longCount} longer than 256 tokens (at least {tokenCounts.Max()} tokens in the longest, counted to 512)");

        var shortIndexes = Enumerable.Range(0, rows.Length).Where(i => !isLong[i]).ToArray();
        var longIndexes = Enumerable.Range(0, rows.Length).Where(i => isLong[i]).ToArray();
        var vectors = new float[rows.Length][];
        using (var generator = new MiniLmEmbeddingGenerator())
        {
            await EmbedIntoAsync(generator, rows, shortIndexes, vectors, "short questions");
        }

        Console.WriteLine();
        Console.WriteLine($"{"truncation",-26} {"kNN score, long",16} {"kNN score, all",15}");
        foreach (var (label, maxTokens, headShare) in new (string, int, double)[]
        {
            ("head only (256)", 256, 1.0),
            ("tail only (256)", 256, 0.0),
            ("head 25% + tail (256)", 256, 0.25),
            ("head 50% + tail (256)", 256, 0.5),
        })
        {
            using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxTokens = maxTokens, LongTextHeadShare = headShare });
            await EmbedIntoAsync(generator, rows, longIndexes, vectors, label);
            var (onLong, onAll) = RouteByNeighbours(vectors, scores, isLong);
            Console.WriteLine($"{label,-26} {onLong,16:F4} {onAll,15:F4}");
        }

        Console.WriteLine();
        Console.WriteLine($"long questions: best single model {BestSingle(scores, longIndexes):F4}, oracle {Oracle(scores, longIndexes):F4}");
        Console.WriteLine($"all questions:  best single model {BestSingle(scores, Enumerable.Range(0, rows.Length).ToArray()):F4}, oracle {Oracle(scores, Enumerable.Range(0, rows.Length).ToArray()):F4}");
    }

    private static async Task EmbedIntoAsync(MiniLmEmbeddingGenerator generator, Row[] rows, int[] indexes, float[][] vectors, string label)
    {
        long started = Stopwatch.GetTimestamp();
        for (int start = 0; start < indexes.Length; start += 256)
        {
            var chunk = indexes.Skip(start).Take(256).ToArray();
            var embeddings = await generator.GenerateAsync(chunk.Select(i => rows[i].Question).ToArray());
            for (int k = 0; k < chunk.Length; k++)
            {
                vectors[chunk[k]] = embeddings[k].Vector.ToArray();
            }
        }

        Console.Error.WriteLine($"embedded {indexes.Length} {label} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    // Leave-one-out: each question's neighbours are all other questions; the model with the best mean score among them is chosen.
    private static (double OnLong, double OnAll) RouteByNeighbours(float[][] vectors, double[][] scores, bool[] isLong)
    {
        int n = vectors.Length;
        int models = scores[0].Length;
        var chosenScore = new double[n];
        Parallel.For(0, n, i =>
        {
            var similarities = new float[n];
            for (int j = 0; j < n; j++)
            {
                similarities[j] = j == i ? float.NegativeInfinity : TensorPrimitives.Dot(vectors[i], vectors[j]);
            }

            int[] order = Enumerable.Range(0, n).OrderByDescending(j => similarities[j]).ThenBy(j => j).Take(Neighbours).ToArray();
            int best = 0;
            double bestMean = double.NegativeInfinity;
            for (int m = 0; m < models; m++)
            {
                double mean = order.Average(j => scores[j][m]);
                if (mean > bestMean)
                {
                    bestMean = mean;
                    best = m;
                }
            }

            chosenScore[i] = scores[i][best];
        });

        return (Enumerable.Range(0, n).Where(i => isLong[i]).Average(i => chosenScore[i]), chosenScore.Average());
    }

    private static double BestSingle(double[][] scores, int[] indexes) =>
        Enumerable.Range(0, scores[0].Length).Max(m => indexes.Average(i => scores[i][m]));

    private static double Oracle(double[][] scores, int[] indexes) => indexes.Average(i => scores[i].Max());

    private static Row[] Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray()
            .Select(e => new Row(
                e.GetProperty("question").GetString() ?? string.Empty,
                e.GetProperty("scores").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal)))
            .ToArray();
    }

    private sealed record Row(string Question, Dictionary<string, double> Scores);
}
