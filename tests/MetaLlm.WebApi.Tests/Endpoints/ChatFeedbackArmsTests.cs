using System.Net;
using System.Text.Json;
using MetaLlm.WebApi.Tests.Support;

namespace MetaLlm.WebApi.Tests.Endpoints;

public sealed class ChatFeedbackArmsTests
{
    private static readonly string[] FakeArms = ["fake-mini", "fake-coder", "fake-large"];

    [Fact]
    public async Task Chat_then_feedback_then_arms_shows_what_was_learned()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();

        var chat = await client.ChatOkAsync("What is the capital of Peru?");
        string decisionId = chat.GetProperty("decisionId").GetString()!;
        string arm = chat.GetProperty("arm").GetString()!;
        (await client.GetArmsAsync()).Arm(arm).GetProperty("learnedObservations").GetInt64().Should().Be(0);

        using var feedback = await client.FeedbackAsync(decisionId, 1.0);
        feedback.StatusCode.Should().Be(HttpStatusCode.OK);
        var learned = await feedback.ReadJsonAsync();
        learned.GetProperty("decisionId").GetString().Should().Be(decisionId);
        learned.GetProperty("arm").GetString().Should().Be(arm);
        learned.GetProperty("score").GetDouble().Should().Be(1.0);
        learned.GetProperty("costUsd").GetDecimal().Should().Be(chat.GetProperty("costUsd").GetDecimal());
        double normalizedCost = learned.GetProperty("normalizedCost").GetDouble();
        learned.GetProperty("reward").GetDouble().Should().BeApproximately(1.0 - 0.2 * normalizedCost, 1e-12, "the reward is score − λ·normalizedCost with λ = 0.2 from appsettings.json");

        var arms = await client.GetArmsAsync();
        var chosen = arms.Arm(arm);
        chosen.GetProperty("learnedObservations").GetInt64().Should().Be(1);
        chosen.GetProperty("routed").GetInt64().Should().Be(1);
        chosen.GetProperty("attempts").GetInt64().Should().Be(1);
        chosen.GetProperty("trafficShare").GetDouble().Should().Be(1.0);
        foreach (string other in FakeArms.Where(name => name != arm))
        {
            arms.Arm(other).GetProperty("learnedObservations").GetInt64().Should().Be(0);
            arms.Arm(other).GetProperty("routed").GetInt64().Should().Be(0);
        }
    }

    [Fact]
    public async Task Chat_answers_with_the_decision_the_arm_the_text_and_the_cost()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();

        using var response = await client.ChatAsync("How do I fix this C# compile error?", system: "Answer briefly.");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var chat = await response.ReadJsonAsync();
        chat.EnumerateObject().Select(p => p.Name).Should().Equal("decisionId", "arm", "text", "costUsd");
        chat.GetProperty("decisionId").GetString().Should().NotBeNullOrWhiteSpace();
        chat.GetProperty("arm").GetString().Should().BeOneOf(FakeArms);
        chat.GetProperty("text").GetString().Should().NotBeNullOrWhiteSpace();
        chat.GetProperty("costUsd").GetDecimal().Should().BePositive();
    }

    [Theory]
    [InlineData("{\"message\":\"\"}")]
    [InlineData("{\"message\":\"   \"}")]
    [InlineData("{\"system\":\"Be brief.\"}")]
    public async Task Chat_without_a_message_is_a_400_problem(string body)
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.ReadJsonAsync()).GetProperty("errors").GetProperty("message")[0].GetString().Should().Be("The message must not be empty.");
    }

    [Fact]
    public async Task Arms_show_every_fake_model_with_its_price_and_a_closed_breaker()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();

        var arms = await client.GetArmsAsync();

        arms.GetProperty("policy").GetString().Should().Be("linucb");
        arms.GetProperty("costWeight").GetDouble().Should().Be(0.2);
        arms.GetProperty("arms").EnumerateArray().Select(a => a.GetProperty("name").GetString()).Should().Equal(FakeArms);
        var mini = arms.Arm("fake-mini");
        mini.GetProperty("modelId").GetString().Should().Be("fake-mini-1");
        mini.GetProperty("pricing").GetProperty("inputPerMillionTokens").GetDecimal().Should().Be(0.15m);
        mini.GetProperty("pricing").GetProperty("outputPerMillionTokens").GetDecimal().Should().Be(0.60m);
        arms.Arm("fake-large").GetProperty("pricing").GetProperty("outputPerMillionTokens").GetDecimal().Should().Be(15.00m);
        foreach (var arm in arms.GetProperty("arms").EnumerateArray())
        {
            arm.GetProperty("circuit").GetString().Should().Be("Closed");
            arm.GetProperty("openUntil").ValueKind.Should().Be(JsonValueKind.Null);
            arm.GetProperty("failureRate").GetDouble().Should().Be(0);
            arm.GetProperty("failures").GetInt64().Should().Be(0);
            arm.GetProperty("trafficShare").GetDouble().Should().Be(0);
        }
    }

    [Fact]
    public async Task Traffic_shares_count_the_answers_of_each_arm_and_add_up_to_one()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        string[] questions = ["What is 2 + 2?", "Write a C# function that reverses a string, with tests.", "Explain the causes of the French revolution in detail please, with dates."];

        var answeredBy = new List<string>();
        for (int round = 0; round < 12; round++)
        {
            var chat = await client.ChatOkAsync(questions[round % questions.Length]);
            answeredBy.Add(chat.GetProperty("arm").GetString()!);
        }

        var arms = await client.GetArmsAsync();
        arms.GetProperty("answered").GetInt64().Should().Be(12);
        foreach (string name in FakeArms)
        {
            int count = answeredBy.Count(a => a == name);
            arms.Arm(name).GetProperty("routed").GetInt64().Should().Be(count);
            arms.Arm(name).GetProperty("trafficShare").GetDouble().Should().BeApproximately(count / 12.0, 1e-12);
        }

        arms.GetProperty("arms").EnumerateArray().Sum(a => a.GetProperty("trafficShare").GetDouble()).Should().BeApproximately(1.0, 1e-12);
        arms.GetProperty("pendingDecisions").GetInt32().Should().Be(12);
    }
}
