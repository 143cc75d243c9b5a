using System.Globalization;
using System.Text;

namespace MetaLlm.Replay.Tests;

/// <summary>
/// A small LLMRouter JSON split the replay tests run on: math prompts are solved by cheap-math, code prompts by
/// cheap-code, everything by dear-all (ten times the price, see <see cref="Prices"/>).
/// </summary>
internal static class SmallSplit
{
    public const string Prices = """
        {"cheap-math": {"input": 0.1, "output": 0.1}, "cheap-code": {"input": 0.1, "output": 0.1}, "dear-all": {"input": 1, "output": 1}}
        """;

    /// <summary>Writes <paramref name="count"/> questions drawn with <paramref name="seed"/>.</summary>
    /// <param name="count">How many questions.</param>
    /// <param name="seed">Seeds the draw of each question's kind and number.</param>
    /// <param name="clusters">When above 0, each question gets a <c>cluster_id</c> in 0 … clusters − 1, drawn independently of its kind.</param>
    public static string Json(int count, int seed, int clusters = 0)
    {
        var random = new Random(seed);
        var json = new StringBuilder("[\n");
        for (int i = 0; i < count; i++)
        {
            bool math = random.Next(2) == 0;
            int n = random.Next(1000);
            string question = math
                ? string.Create(CultureInfo.InvariantCulture, $"Compute the sum of {n} and {n + 7} and report the number")
                : string.Create(CultureInfo.InvariantCulture, $"Write a python function named f{n} that returns a list");
            int mathScore = math ? 1 : 0;
            string cluster = clusters > 0 ? string.Create(CultureInfo.InvariantCulture, $", \"cluster_id\": {random.Next(clusters)}") : string.Empty;
            json.Append(CultureInfo.InvariantCulture, $"  {{\"question\": \"{question}\", \"scores\": {{\"cheap-math\": {mathScore}, \"cheap-code\": {1 - mathScore}, \"dear-all\": 1}}{cluster}}}");
            json.Append(i + 1 < count ? ",\n" : "\n");
        }

        return json.Append(']').ToString();
    }
}
