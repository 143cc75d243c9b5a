using System.Net;
using MetaLlm.WebApi.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MetaLlm.WebApi.Tests.Hosting;

public sealed class BindingTests
{
    [Fact]
    public void The_sample_listens_on_the_loopback_interface_only()
    {
        using var factory = new WebApiFactory();

        string urls = factory.Services.GetRequiredService<IConfiguration>()["Urls"]!;

        urls.Split(';', StringSplitOptions.RemoveEmptyEntries).Should().NotBeEmpty().And.AllSatisfy(url =>
        {
            var uri = new Uri(url);
            (uri.IsLoopback && uri.Host != "0.0.0.0").Should().BeTrue($"{url} must be a loopback address");
        });
    }

    [Fact]
    public async Task The_sample_serves_chat_feedback_and_metrics_over_kestrel_on_127_0_0_1()
    {
        using var factory = new WebApiFactory();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();

        client.BaseAddress!.Host.Should().Be("127.0.0.1");
        var chat = await client.ChatOkAsync("What is 2 + 2?");
        using var feedback = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, 1);
        feedback.StatusCode.Should().Be(HttpStatusCode.OK);
        using var metrics = await client.GetAsync("/metrics");
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
