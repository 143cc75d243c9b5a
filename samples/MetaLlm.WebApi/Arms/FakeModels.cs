namespace MetaLlm.WebApi.Arms;

/// <summary>
/// The three in-process models the sample routes among when no provider has credentials: a cheap one good at short
/// questions, a mid-priced one good at programming, and a dear one good at everything. Their answers say whether they
/// knew, so a reader can tell what score to give.
/// </summary>
internal static class FakeModels
{
    /// <summary>Questions of at most this many words are "short".</summary>
    public const int ShortQuestionWords = 8;

    private static readonly HashSet<string> ProgrammingWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "code", "c#", "csharp", "dotnet", "function", "method", "class", "bug", "compile", "exception", "sql", "python", "javascript", "regex", "api",
    };

    public static IReadOnlyList<FakeModelProfile> All { get; } =
    [
        new(
            "fake-mini",
            "fake-mini-1",
            ModelPricing.PerMillionTokens(0.15m, 0.60m),
            $"short questions (at most {ShortQuestionWords} words)",
            question => WordCount(question) <= ShortQuestionWords,
            question => $"Short answer: I know this one ({WordCount(question)} words, well within my reach).",
            "I am not sure; that question is too long for me to follow."),
        new(
            "fake-coder",
            "fake-coder-1",
            ModelPricing.PerMillionTokens(1.00m, 4.00m),
            "programming questions",
            IsProgramming,
            _ => "Here is how to do it in code: a precise, worked programming answer, with the edge cases covered.",
            "That is outside programming, so this is only a guess."),
        new(
            "fake-large",
            "fake-large-1",
            ModelPricing.PerMillionTokens(5.00m, 15.00m),
            "everything",
            _ => true,
            question => $"A thorough answer: every part of your {WordCount(question)}-word question considered, with reasons, caveats and a summary at the end.",
            string.Empty),
    ];

    public static int WordCount(string text) => Words(text).Length;

    private static bool IsProgramming(string question) => Words(question).Any(word => ProgrammingWords.Contains(word.TrimEnd('.', ',', '?', '!', ':', ';')));

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
