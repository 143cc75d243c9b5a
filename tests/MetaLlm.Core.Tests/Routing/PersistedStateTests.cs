using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>What a router learned survives a restart: saved to a file, loaded by a new router as a new process would.</summary>
public sealed class PersistedStateTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "metallm-state-" + Guid.NewGuid().ToString("N"));

    public PersistedStateTests() => Directory.CreateDirectory(_folder);

    private string StatePath => Path.Combine(_folder, "router.state");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_new_router_loaded_from_the_saved_file_estimates_and_decides_as_the_original_and_goes_on_learning()
    {
        using var original = Router(seed: 3);
        await LearnAsync(original, seed: 1, count: 60);
        await original.SaveStateAsync(new FileRouterStateStore(StatePath));

        // As a new process would: new objects, nothing shared but the file.
        using var loaded = Router(seed: 8);
        (await loaded.LoadStateAsync(new FileRouterStateStore(StatePath))).Should().BeTrue();
        using var fresh = Router(seed: 8);
        fresh.RestoreSnapshot(await new FileRouterStateStore(StatePath).LoadAsync() ?? throw new InvalidOperationException("nothing saved"));

        var prompts = new TopicPrompts(seed: 2);
        for (int i = 0; i < 25; i++)
        {
            var question = Ask(prompts.Next().Prompt);
            var expected = await original.RouteAsync(question);
            var actual = await loaded.RouteAsync(question);
            var twin = await fresh.RouteAsync(question);
            for (int arm = 0; arm < 3; arm++)
            {
                actual.Estimates[arm].PredictedScore.Should().BeApproximately(expected.Estimates[arm].PredictedScore, 1e-12);
                actual.Estimates[arm].Uncertainty.Should().BeApproximately(expected.Estimates[arm].Uncertainty, 1e-12);
                actual.Estimates[arm].PredictedReward.Should().BeApproximately(expected.Estimates[arm].PredictedReward, 1e-12);
            }

            twin.ArmIndex.Should().Be(actual.ArmIndex, "a fresh router built from the snapshot with the same seed decides the same");
        }

        await LearnAsync(loaded, seed: 5, count: 10);
        loaded.CreateSnapshot().FeedbackCount.Should().Be(70, "it goes on learning from where the first process stopped");
    }

    [Fact]
    public async Task A_crash_between_writing_and_renaming_leaves_the_previous_snapshot_loadable()
    {
        using var router = Router(seed: 3);
        await LearnAsync(router, seed: 1, count: 20);
        var saved = await router.SaveStateAsync(new FileRouterStateStore(StatePath));
        await LearnAsync(router, seed: 2, count: 20);
        var crashing = new FileRouterStateStore(StatePath) { AfterTempWritten = _ => throw new IOException("power cut") };

        await router.Invoking(r => r.SaveStateAsync(crashing)).Should().ThrowAsync<IOException>();

        using var restarted = Router(seed: 3);
        (await restarted.LoadStateAsync(new FileRouterStateStore(StatePath))).Should().BeTrue();
        restarted.CreateSnapshot().FeedbackCount.Should().Be(saved.FeedbackCount);
    }

    [Fact]
    public async Task UseFileState_loads_before_the_first_request_saves_on_the_clock_and_on_shutdown()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        using (var first = Container(clock, interval: TimeSpan.FromMinutes(5)))
        {
            var hosted = first.GetServices<IHostedService>().ToList();
            await StartAsync(hosted);
            var router = first.GetRequiredService<MetaLlmRouter>();
            await LearnAsync(router, seed: 1, count: 10);
            File.Exists(StatePath).Should().BeFalse("nothing is due yet");

            clock.Advance(TimeSpan.FromMinutes(5));
            await WaitForAsync(() => File.Exists(StatePath));
            (await new FileRouterStateStore(StatePath).LoadAsync())!.FeedbackCount.Should().Be(10);

            await LearnAsync(router, seed: 2, count: 5);
            await StopAsync(hosted);
        }

        (await new FileRouterStateStore(StatePath).LoadAsync())!.FeedbackCount.Should().Be(15, "the last feedback is saved on shutdown");
        using var second = Container(clock, interval: TimeSpan.FromMinutes(5));
        second.GetRequiredService<MetaLlmRouter>().CreateSnapshot().FeedbackCount.Should().Be(15, "a new process starts from what the last one learned");
    }

    [Fact]
    public async Task A_snapshot_of_other_features_fails_start_up_and_is_not_overwritten()
    {
        using (var first = Container(TimeProvider.System, interval: Timeout.InfiniteTimeSpan))
        {
            var hosted = first.GetServices<IHostedService>().ToList();
            await StartAsync(hosted);
            await LearnAsync(first.GetRequiredService<MetaLlmRouter>(), seed: 1, count: 5);
            await StopAsync(hosted);
        }

        byte[] before = await File.ReadAllBytesAsync(StatePath);
        using var wider = Container(TimeProvider.System, interval: Timeout.InfiniteTimeSpan, dimension: 24);

        var start = () => StartAsync(wider.GetServices<IHostedService>().ToList());
        await start.Should().ThrowAsync<ArgumentException>().WithMessage("*other features*FeatureDimension*");
        (await File.ReadAllBytesAsync(StatePath)).Should().Equal(before, "nothing is overwritten");
    }

    [Fact]
    public async Task Disposing_the_container_while_a_save_runs_lets_the_save_finish_and_a_late_stop_does_nothing()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var store = new GatedStore();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddMetaLlmRouter(b => b
            .AddArm("only", TestChatClient.Answering("x", 20, 10), Price(1, 1))
            .Configure(o => o.FeatureDimension = 16)
            .UseStateStore(_ => store, TimeSpan.FromMinutes(1)));
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        await StartAsync(hosted);
        await LearnAsync(provider.GetRequiredService<MetaLlmRouter>(), seed: 1, count: 3);

        clock.Advance(TimeSpan.FromMinutes(1));
        (await Task.WhenAny(store.Entered.Task, Task.Delay(TimeSpan.FromSeconds(10)))).Should().Be(store.Entered.Task, "the periodic save should have started");
        provider.Invoking(p => p.Dispose()).Should().NotThrow("a save under way is no reason for Dispose to fail");
        store.Release.SetResult();

        var lateStop = () => StopAsync(hosted);
        await lateStop.Should().NotThrowAsync("stopping after the container went is a no-op");
        await WaitForAsync(() => store.Saves == 1);
        store.Saves.Should().Be(1, "the save under way finished; nothing is saved after dispose");
    }

    [Fact]
    public void A_reloaded_cost_weight_applies_to_the_next_decision()
    {
        var source = new Dictionary<string, string?> { ["MetaLlm:CostWeight"] = "0.2", ["MetaLlm:FeatureDimension"] = "16" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();
        var services = new ServiceCollection();
        services.AddMetaLlmRouter(configuration.GetSection("MetaLlm"), b => b.AddArm("only", TestChatClient.Answering("x", 1, 1), Price(1, 1)));
        using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<MetaLlmRouter>();

        configuration["MetaLlm:CostWeight"] = "0.9";
        configuration.Reload();
        router.CostWeight.Should().Be(0.9);

        // The options system validates the reloaded value and reports it to whoever reloaded; the router keeps its λ.
        configuration["MetaLlm:CostWeight"] = "-3";
        configuration.Invoking(c => c.Reload()).Should().Throw<AggregateException>().WithInnerException<Microsoft.Extensions.Options.OptionsValidationException>();
        router.CostWeight.Should().Be(0.9, "an invalid reload changes nothing");
    }

    private ServiceProvider Container(TimeProvider clock, TimeSpan interval, int dimension = 16)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        var client = TestChatClient.Answering("x", 20, 10);
        services.AddMetaLlmRouter(b => b
            .AddArm("cheap", client, Price(0.5m, 1.5m))
            .AddArm("dear", client, Price(5, 15))
            .Configure(o => { o.FeatureDimension = dimension; o.LinUcb.Seed = 1; })
            .UseFileState(StatePath, interval));
        return services.BuildServiceProvider();
    }

    private static MetaLlmRouter Router(int seed) => new(
        [new RouterArm("cheap", TestChatClient.Answering("x", 20, 10), Price(0.5m, 1.5m)), new RouterArm("middle", TestChatClient.Answering("x", 20, 30), Price(2, 6)), new RouterArm("dear", TestChatClient.Answering("x", 20, 50), Price(5, 15))],
        LearnedStateTests.Options(seed));

    private static async Task LearnAsync(MetaLlmRouter router, int seed, int count)
    {
        var prompts = new TopicPrompts(seed);
        for (int i = 0; i < count; i++)
        {
            var response = await router.GetResponseAsync(Ask(prompts.Next().Prompt));
            router.RecordFeedback(response.GetDecisionId()!, (i % 3) / 2.0);
        }
    }

    private static async Task StartAsync(IEnumerable<IHostedService> services)
    {
        foreach (var service in services)
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    private static async Task StopAsync(IEnumerable<IHostedService> services)
    {
        foreach (var service in services)
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        // The periodic save runs on the thread pool after the fake clock ticks; wait for it, bounded.
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        condition().Should().BeTrue("the periodic save should have run");
    }

    /// <summary>A store whose save waits until the test releases it, so a save can be caught in flight.</summary>
    private sealed class GatedStore : IRouterStateStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Saves => Volatile.Read(ref _saves);

        private int _saves;

        public Task<RouterSnapshot?> LoadAsync(CancellationToken cancellationToken = default) => Task.FromResult<RouterSnapshot?>(null);

        public async Task SaveAsync(RouterSnapshot snapshot, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task;
            Interlocked.Increment(ref _saves);
        }
    }
}
