using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MetaLlm.Embeddings.Local.Benchmarks;

/// <summary>Model load time, latency of one request (short and 2 KB prompts, cold and cached) and batch throughput.</summary>
internal static class LatencyBenchmark
{
    private const string ShortPrompt = "How do I reverse a linked list in C#?";

    public static async Task RunAsync()
    {
        string longPrompt = MakePrompt(2048, seed: 0);
        using var generator = new MiniLmEmbeddingGenerator();

        long started = Stopwatch.GetTimestamp();
        await generator.GenerateAsync(["warm up"]);
        Report("model load + first request", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        Console.WriteLine(Invariant($"2 KB prompt: {longPrompt.Length} chars, {generator.Tokenize(MakePrompt(2048, 0)).Length} tokens read (budget {generator.Options.MaxTokens})"));

        await MeasureSingleAsync(generator, "short prompt, one request", i => ShortPrompt + " " + i.ToString(CultureInfo.InvariantCulture), 200);
        await MeasureSingleAsync(generator, "2 KB prompt, one request", i => MakePrompt(2048, i), 50);

        using var cached = LocalEmbeddings.WithCache(new MiniLmEmbeddingGenerator());
        await cached.GenerateAsync([longPrompt]);
        await MeasureSingleAsync(cached, "2 KB prompt, cache hit", _ => longPrompt, 500);

        foreach (int batchSize in new[] { 1, 8, 32 })
        {
            await MeasureThroughputAsync(batchSize, "short", i => ShortPrompt + " " + i.ToString(CultureInfo.InvariantCulture), 256);
        }

        foreach (int batchSize in new[] { 1, 8, 32 })
        {
            await MeasureThroughputAsync(batchSize, "2 KB", i => MakePrompt(2048, 1000 + i), 64);
        }
    }

    private static async Task MeasureSingleAsync(Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> generator, string label, Func<int, string> text, int count)
    {
        for (int i = 0; i < 5; i++)
        {
            await generator.GenerateAsync([text(-1 - i)]);
        }

        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            string value = text(i);
            long started = Stopwatch.GetTimestamp();
            await generator.GenerateAsync([value]);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        Console.WriteLine(Invariant($"{label,-32} n={count,4}  mean {times.Average(),8:F2} ms  p50 {times[count / 2],8:F2} ms  p95 {times[(int)(count * 0.95)],8:F2} ms"));
    }

    private static async Task MeasureThroughputAsync(int batchSize, string label, Func<int, string> text, int count)
    {
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = batchSize });
        await generator.GenerateAsync([text(-1)]);
        string[] texts = Enumerable.Range(0, count).Select(text).ToArray();
        long started = Stopwatch.GetTimestamp();
        await generator.GenerateAsync(texts);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(Invariant($"throughput {label,-5} batch {batchSize,2}: {count,4} texts in {seconds,6:F2} s = {count / seconds,7:F1} texts/s"));
    }

    // Reading-comprehension-like filler ending in a question, deterministic per seed.
    internal static string MakePrompt(int characters, int seed)
    {
        string[] words = ["the", "committee", "reviewed", "annual", "budget", "museum", "visitors", "increased", "during", "summer",
            "research", "trees", "carbon", "dioxide", "students", "exchange", "program", "teachers", "reported", "results"];
        var random = new Random(seed);
        var builder = new StringBuilder(characters);
        string question = " Which statement about the passage is true?";
        while (builder.Length < characters - question.Length)
        {
            builder.Append(words[random.Next(words.Length)]).Append(random.Next(12) == 0 ? ". " : " ");
        }

        builder.Length = characters - question.Length;
        return builder.Append(question).ToString();
    }

    private static void Report(string label, double milliseconds) => Console.WriteLine(Invariant($"{label,-32} {milliseconds,8:F0} ms"));

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
