namespace MetaLlm.Tests;

/// <summary>
/// Seeded prompts about four topics, sharing filler words so that a featurizer must find the topic words.
/// </summary>
internal sealed class TopicPrompts(int seed)
{
    private static readonly string[][] Vocabulary =
    [
        ["integral", "derivative", "matrix", "eigenvalue", "polynomial", "theorem", "prime", "logarithm", "equation", "vector"],
        ["compiler", "python", "recursion", "pointer", "database", "thread", "exception", "lambda", "kubernetes", "regex"],
        ["sonnet", "haiku", "rhyme", "stanza", "metaphor", "ballad", "verse", "limerick", "elegy", "couplet"],
        ["contract", "tort", "statute", "plaintiff", "liability", "patent", "tenant", "appeal", "verdict", "custody"],
    ];

    private static readonly string[] Openers = ["please explain", "can you help me with", "I have a question about", "tell me about", "quick question on"];

    private readonly Random _random = new(seed);

    public const int TopicCount = 4;

    public static string TopicName(int topic) => topic switch { 0 => "math", 1 => "code", 2 => "poetry", _ => "law" };

    public (int Topic, string Prompt) Next()
    {
        int topic = _random.Next(TopicCount);
        return (topic, Next(topic));
    }

    public string Next(int topic)
    {
        var words = Vocabulary[topic];
        string opener = Openers[_random.Next(Openers.Length)];
        return $"{opener} the {words[_random.Next(words.Length)]} and {words[_random.Next(words.Length)]} {words[_random.Next(words.Length)]}?";
    }
}
