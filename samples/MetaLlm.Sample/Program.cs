// Routes questions among three in-process fake models and learns, from feedback, which one answers which kind of
// question best for the money. No network and no keys: the "models" are small functions with known skills.
using MetaLlm;
using Microsoft.Extensions.AI;

const int Rounds = 600;
var random = new Random(7);

// Three fake models: a cheap one that only knows arithmetic, a mid-priced one that knows geography,
// and an expensive one that knows everything.
var arms = new[]
{
    new RouterArm("tiny-math", new FakeModel("tiny-math", topic => topic == "math" ? 0.95 : 0.2, random), ModelPricing.PerMillionTokens(0.10m, 0.40m)),
    new RouterArm("mid-geo", new FakeModel("mid-geo", topic => topic == "geography" ? 0.95 : 0.3, random), ModelPricing.PerMillionTokens(1.00m, 4.00m)),
    new RouterArm("large", new FakeModel("large", _ => 0.97, random), ModelPricing.PerMillionTokens(10.00m, 40.00m)),
};

using var router = new MetaLlmRouter(arms, new MetaLlmRouterOptions { CostWeight = 0.5, LinUcb = { Seed = 42 } });

string[] math = ["What is 17 times 23?", "Compute 144 divided by 12.", "What is the square root of 81?", "Add 345 and 678."];
string[] geography = ["What is the capital of Peru?", "Which river flows through Vienna?", "Name the largest desert in Africa.", "Which country borders Chile to the east?"];
string[] poetry = ["Write a haiku about autumn rain.", "Compose a limerick about a cat.", "Write two lines of verse about the sea.", "Give me a short poem about mountains."];
var topics = new (string Name, string[] Questions)[] { ("math", math), ("geography", geography), ("poetry", poetry) };

var chosen = new Dictionary<(string Topic, string Arm), int>();
decimal totalCost = 0;
double totalScore = 0;
Console.WriteLine($"Routing {Rounds} questions among {string.Join(", ", arms.Select(a => a.Name))} with {router.Policy.Name}, λ = {router.CostWeight}.");
Console.WriteLine();
for (int round = 1; round <= Rounds; round++)
{
    var (topic, questions) = topics[random.Next(topics.Length)];
    string question = questions[random.Next(questions.Length)];
    var response = await router.GetResponseAsync([new ChatMessage(ChatRole.User, question)], new ChatOptions { AdditionalProperties = new() { ["topic"] = topic } });

    // The fake model puts its correctness in the text; a real application would score the answer (a label, a judge, a thumbs up).
    double score = response.Text.StartsWith("correct", StringComparison.Ordinal) ? 1 : 0;
    var feedback = router.RecordFeedback(response.GetDecisionId()!, score);
    totalCost += feedback.CostUsd;
    totalScore += score;
    chosen[(topic, feedback.ArmName)] = chosen.GetValueOrDefault((topic, feedback.ArmName)) + 1;

    if (round <= 5 || round % 100 == 0)
    {
        Console.WriteLine($"#{round,3} {topic,-9} -> {feedback.ArmName,-9} score {score:0} cost ${feedback.CostUsd:0.000000} reward {feedback.Reward,6:0.000}");
    }
}

Console.WriteLine();
Console.WriteLine($"Accuracy {totalScore / Rounds:P1}, total cost ${totalCost:0.0000} over {Rounds} questions.");
Console.WriteLine("Choices per topic (all rounds):");
foreach (var (topic, _) in topics)
{
    Console.WriteLine($"  {topic,-9} " + string.Join("  ", arms.Select(a => $"{a.Name}: {chosen.GetValueOrDefault((topic, a.Name)),3}")));
}

/// <summary>A stand-in model: answers correctly with a probability that depends on the question's topic.</summary>
internal sealed class FakeModel(string name, Func<string, double> skill, Random random) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        string topic = options?.AdditionalProperties?.GetValueOrDefault("topic") as string ?? "unknown";
        bool correct = random.NextDouble() < skill(topic);
        int inputTokens = messages.Sum(m => m.Text.Length) / 4 + 8;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, correct ? "correct answer" : "wrong answer"))
        {
            ModelId = name,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = 40, TotalTokenCount = inputTokens + 40 },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
