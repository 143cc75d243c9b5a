// Zero-shot sentiment classification (the MetaLLM paper's setting): each sentence goes to the arm the router picks,
// the answer is scored against the label, and the score is fed back so the router learns which model is worth its price.
using MetaLlm;
using MetaLlm.Providers;
using MetaLlm.Sentiment;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
List<string> arms = [];
services.AddMetaLlmRouter(router =>
{
    arms = SentimentArms.Add(router, Console.Out);
    router.Configure(options =>
    {
        options.CostWeight = 0.5;
        options.LinUcb.Seed = 7;
    });
});

if (arms.Count == 0)
{
    Console.WriteLine("No model provider has credentials in this environment, so nothing was called. Variables looked for:");
    foreach (string variable in SentimentArms.VariablesLookedFor)
    {
        Console.WriteLine("  " + variable);
    }

    return 0;
}

Console.WriteLine($"Routing {LabeledSentence.Samples.Count} sentences across: {string.Join(", ", arms)}");
await using var provider = services.BuildServiceProvider();
var router = provider.GetRequiredService<MetaLlmRouter>();
var options = new ChatOptions
{
    Instructions = "Classify the sentiment of the user's sentence. Answer with exactly one word: positive or negative.",
    MaxOutputTokens = 5,
    Temperature = 0,
};

var perArm = arms.ToDictionary(a => a, _ => (Calls: 0, Correct: 0, Cost: 0m));
int failures = 0;
foreach (var sample in LabeledSentence.Samples)
{
    try
    {
        var response = await router.GetResponseAsync([new ChatMessage(ChatRole.User, sample.Text)], options);
        string answer = response.Text.Trim().ToLowerInvariant();
        string predicted = answer.Contains("negative", StringComparison.Ordinal) ? "negative" : answer.Contains("positive", StringComparison.Ordinal) ? "positive" : "?";
        double score = predicted == sample.Label ? 1 : 0;
        var feedback = router.RecordFeedback(response.GetDecisionId()!, score);
        var tally = perArm[feedback.ArmName];
        perArm[feedback.ArmName] = (tally.Calls + 1, tally.Correct + (int)score, tally.Cost + feedback.CostUsd);
        Console.WriteLine($"{feedback.ArmName,-32} {predicted,-8} (label {sample.Label}) ${feedback.CostUsd:0.000000}");
    }
    catch (ProviderException ex)
    {
        failures++;
        Console.WriteLine($"{ex.Provider}/{ex.ModelId} failed ({ex.Kind}, {(ex.IsTransient ? "transient" : "permanent")}): the decision was discarded.");
    }
}

Console.WriteLine();
Console.WriteLine($"{"arm",-32} {"calls",5} {"accuracy",9} {"cost USD",12}");
foreach (var (arm, tally) in perArm)
{
    string accuracy = tally.Calls == 0 ? "-" : $"{100.0 * tally.Correct / tally.Calls:0.0}%";
    Console.WriteLine($"{arm,-32} {tally.Calls,5} {accuracy,9} {tally.Cost,12:0.000000}");
}

if (failures > 0)
{
    Console.WriteLine($"{failures} call(s) failed; see above.");
}

return 0;
