using MetaLlm.WebApi.State;
using MetaLlm.WebApi.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MetaLlm.WebApi.Tests.Hosting;

public sealed class LearnedStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metallm-webapi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_state_path_keeps_what_was_learned_across_restarts()
    {
        string path = Path.Combine(_folder, "router.state");
        var settings = new Dictionary<string, string> { [LearnedStateOptions.PathKey] = path };
        var first = new WebApiFactory(settings);
        using var client = first.CreateClient();
        var chat = await client.ChatOkAsync("What is 2 + 2?");
        string arm = chat.GetProperty("arm").GetString()!;
        using var feedback = await client.FeedbackAsync(chat.GetProperty("decisionId").GetString()!, 1);

        await ShutDownAsync(first);

        File.Exists(path).Should().BeTrue("the host saves the snapshot when it stops");
        var second = new WebApiFactory(settings);
        using var restarted = second.CreateClient();
        var arms = await restarted.GetArmsAsync();
        await ShutDownAsync(second);
        arms.Arm(arm).GetProperty("learnedObservations").GetInt64().Should().Be(1);
        arms.Arm(arm).GetProperty("routed").GetInt64().Should().Be(0, "traffic is counted per process; only the learned statistics are kept");
    }

    [Fact]
    public void The_state_switch_on_the_command_line_sets_the_state_path()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--state", "learned/router.state"], LearnedStateOptions.CommandLineSwitches).Build();

        LearnedStateOptions.GetPath(configuration).Should().Be("learned/router.state");
        LearnedStateOptions.GetPath(new ConfigurationBuilder().Build()).Should().BeNull();
    }

    // Stops the sample as Ctrl+C would: app.Run() stops the host (the autosave service saves) and disposes it.
    // Disposing a factory stops its host once more; the router's autosave service, already disposed, then throws
    // ObjectDisposedException from that second StopAsync. Disposing the factory without stopping first races the two
    // stops (app.Run()'s and the factory's), and the service's semaphore is disposed under the save in flight. The
    // snapshot was saved by the first stop; only the second one's failure is ignored.
    private static async Task ShutDownAsync(WebApiFactory factory)
    {
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStopped.Register(stopped.SetResult);
        lifetime.StopApplication();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            await factory.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
