using System.Net;
using MetaLlm.WebApi.Tests.Support;

namespace MetaLlm.WebApi.Tests.Endpoints;

public sealed class RouterFailureTests
{
    [Fact]
    public async Task Every_attempt_failing_is_a_502_problem_with_the_attempts_and_no_exception_message()
    {
        using var router = FailingRouter.Transient();
        using var factory = new WebApiFactory(services: FailingRouter.Replace(router));
        using var client = factory.CreateClient();

        using var response = await client.ChatAsync("Hello there");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        string body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain(FailingRouter.EchoedPrompt);
        var problem = await response.ReadJsonAsync();
        problem.GetProperty("status").GetInt32().Should().Be(502);
        problem.GetProperty("title").GetString().Should().Be("Every model attempt failed");
        problem.GetProperty("detail").GetString().Should().StartWith("All 2 attempts failed");
        problem.GetProperty("decisionId").GetString().Should().NotBeNullOrEmpty();
        var attempts = problem.GetProperty("attempts").EnumerateArray().ToList();
        attempts.Select(a => a.GetProperty("arm").GetString()).Should().BeEquivalentTo("broken-a", "broken-b");
        attempts.Should().AllSatisfy(a =>
        {
            a.GetProperty("outcome").GetString().Should().Be("FailedTransiently");
            a.GetProperty("errorKind").GetString().Should().Be("HttpRequestException");
            a.GetProperty("exceptionType").GetString().Should().Be("System.Net.Http.HttpRequestException");
        });

        var arms = await client.GetArmsAsync();
        arms.Arm("broken-a").GetProperty("failures").GetInt64().Should().Be(1);
        arms.Arm("broken-b").GetProperty("failures").GetInt64().Should().Be(1);
        arms.Arm("broken-a").GetProperty("failureRate").GetDouble().Should().BePositive();
        arms.GetProperty("answered").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task No_eligible_arm_is_a_503_problem_with_each_arms_reason()
    {
        using var router = FailingRouter.Tiny();
        using var factory = new WebApiFactory(services: FailingRouter.Replace(router));
        using var client = factory.CreateClient();

        using var response = await client.ChatAsync("A question longer than one token");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var problem = await response.ReadJsonAsync();
        problem.GetProperty("title").GetString().Should().Be("No model can serve this request");
        problem.GetProperty("detail").GetString().Should().StartWith("No arm can serve this request");
        var reasons = problem.GetProperty("reasons");
        reasons.EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo("tiny-a", "tiny-b");
        reasons.GetProperty("tiny-a").GetString().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task An_arm_refusing_the_request_is_a_502_problem_naming_only_the_exception_type()
    {
        using var router = FailingRouter.Refusing();
        using var factory = new WebApiFactory(services: FailingRouter.Replace(router));
        using var client = factory.CreateClient();

        using var response = await client.ChatAsync("Hello there");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        string body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain(FailingRouter.EchoedPrompt).And.Contain("System.NotSupportedException");
        (await response.ReadJsonAsync()).GetProperty("title").GetString().Should().Be("The model failed");
    }
}
