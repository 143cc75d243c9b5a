using System.Net;
using System.Net.Http.Json;
using MetaLlm.WebApi.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.WebApi.Tests.Endpoints;

public sealed class FeedbackErrorTests
{
    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public async Task A_score_out_of_range_is_a_400_problem_with_the_routers_message(double score)
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        var chat = await client.ChatOkAsync("What is 2 + 2?");

        using var response = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, score);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.ReadJsonAsync();
        problem.GetProperty("title").GetString().Should().Be("Invalid feedback");
        problem.GetProperty("detail").GetString().Should().Be("The score must be a number between 0 and 1.");

        // Nothing was learned, so a valid score is still accepted.
        using var valid = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, 1);
        valid.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_missing_score_is_a_400_problem()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        var chat = await client.ChatOkAsync("What is 2 + 2?");

        using var response = await client.PostAsJsonAsync($"/feedback/{chat.GetProperty("decisionId").GetString()}", new { });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync()).GetProperty("errors").GetProperty("score")[0].GetString().Should().Be("A score from 0 to 1 is required.");
    }

    [Fact]
    public async Task An_unknown_decision_is_a_404_problem_with_the_routers_message()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();

        using var response = await client.FeedbackAsync("no-such-decision", 1);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var problem = await response.ReadJsonAsync();
        problem.GetProperty("title").GetString().Should().Be("Unknown decision");
        problem.GetProperty("detail").GetString().Should().StartWith("Decision 'no-such-decision' is unknown");
    }

    [Fact]
    public async Task A_second_feedback_is_a_409_problem()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        string decisionId = (await client.ChatOkAsync("What is 2 + 2?")).GetProperty("decisionId").GetString()!;
        using var first = await client.FeedbackAsync(decisionId, 1);
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        using var second = await client.FeedbackAsync(decisionId, 0);

        second.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await second.ReadJsonAsync();
        problem.GetProperty("title").GetString().Should().Be("Feedback refused");
        problem.GetProperty("detail").GetString().Should().Be($"Decision '{decisionId}' already has feedback; each decision is learned from once.");
        (await client.GetArmsAsync()).GetProperty("arms").EnumerateArray().Sum(a => a.GetProperty("learnedObservations").GetInt64()).Should().Be(1);
    }

    [Fact]
    public async Task Feedback_on_a_stream_still_under_way_is_a_409_problem()
    {
        using var factory = new WebApiFactory();
        using var client = factory.CreateClient();
        var chat = factory.Services.GetRequiredService<IChatClient>();
        await using var stream = chat.GetStreamingResponseAsync("What is 2 + 2?").GetAsyncEnumerator();
        (await stream.MoveNextAsync()).Should().BeTrue();
        string decisionId = (string)stream.Current.AdditionalProperties![MetaLlmPropertyNames.DecisionId]!;

        using var response = await client.FeedbackAsync(decisionId, 1);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadJsonAsync()).GetProperty("detail").GetString().Should().StartWith($"Decision '{decisionId}' is still waiting for its answer");
        while (await stream.MoveNextAsync())
        {
        }

        using var afterwards = await client.FeedbackAsync(decisionId, 1);
        afterwards.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Feedback_on_a_decision_whose_arms_failed_is_a_409_problem()
    {
        using var router = FailingRouter.Transient();
        using var factory = new WebApiFactory(services: FailingRouter.Replace(router));
        using var client = factory.CreateClient();
        using var failed = await client.ChatAsync("Hello there");
        string decisionId = (await failed.ReadJsonAsync()).GetProperty("decisionId").GetString()!;

        using var response = await client.FeedbackAsync(decisionId, 1);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadJsonAsync()).GetProperty("detail").GetString().Should().StartWith($"Decision '{decisionId}' has no answer to learn from");
    }
}
