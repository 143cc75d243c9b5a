using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests.Telemetry;

/// <summary>IncludeExceptionMessagesInLogs: off, arm failures are logged by type and kind; on, with the exception itself.</summary>
public sealed class ExceptionLoggingTests
{
    private const string Secret = "4111 1111 1111 1111";

    [Fact]
    public void The_option_is_off_by_default_and_cloned()
    {
        new MetaLlmRouterOptions().IncludeExceptionMessagesInLogs.Should().BeFalse();
        new MetaLlmRouterOptions { IncludeExceptionMessagesInLogs = true }.Clone().IncludeExceptionMessagesInLogs.Should().BeTrue();
        new MetaLlmRouterOptions { IncludeExceptionMessagesInLogs = true }.GetValidationErrors().Should().BeEmpty();
    }

    [Fact]
    public async Task Off_the_failover_and_failure_logs_name_the_type_and_kind_and_attach_no_exception()
    {
        var logs = new RecordingLoggerFactory();
        using var router = TwoFailingArms(logs, new MetaLlmRouterOptions());

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>();

        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        warnings.Should().HaveCount(2);
        warnings.Should().AllSatisfy(w =>
        {
            w.Exception.Should().BeNull();
            w.Message.Should().Contain(typeof(HttpRequestException).FullName!).And.NotContain(Secret);
        });
    }

    [Fact]
    public async Task On_the_failover_and_failure_logs_attach_the_exception_with_its_message()
    {
        var logs = new RecordingLoggerFactory();
        using var router = TwoFailingArms(logs, new MetaLlmRouterOptions { IncludeExceptionMessagesInLogs = true });

        var thrown = (await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>()).Which;

        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        warnings.Should().HaveCount(2);
        warnings[0].Message.Should().Contain("the request goes to arm second");
        warnings[0].Exception.Should().BeOfType<HttpRequestException>().Which.Message.Should().Contain("first").And.Contain(Secret);
        warnings[1].Exception.Should().BeSameAs(thrown, "the exhausted request's exception carries the last arm's as its inner exception");
        warnings[1].Exception!.ToString().Should().Contain(Secret);
    }

    [Fact]
    public async Task On_a_failure_not_worth_failing_over_is_logged_with_its_exception()
    {
        var logs = new RecordingLoggerFactory();
        var failure = new InvalidOperationException($"'{Secret}' is not a valid name");
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(failure) };
        using var router = new MetaLlmRouter([new RouterArm("strict", client, Price(1, 1))], new() { FeatureDimension = 8, IncludeExceptionMessagesInLogs = true }, loggerFactory: logs);

        await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<InvalidOperationException>();

        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Exception.Should().BeSameAs(failure);
    }

    [Fact]
    public async Task The_option_binds_from_configuration()
    {
        var logs = new RecordingLoggerFactory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MetaLlm:IncludeExceptionMessagesInLogs"] = "true", ["MetaLlm:FeatureDimension"] = "8" })
            .Build();
        var failure = new InvalidOperationException(Secret);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddMetaLlmRouter(configuration.GetSection("MetaLlm"), b => b.AddArm(
            "strict", new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(failure) }, Price(1, 1)));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        await client.Invoking(c => c.GetResponseAsync(Ask("q"))).Should().ThrowAsync<InvalidOperationException>();

        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Exception.Should().BeSameAs(failure);
    }

    private static MetaLlmRouter TwoFailingArms(RecordingLoggerFactory logs, MetaLlmRouterOptions options)
    {
        static TestChatClient Failing(string arm) => new()
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException($"{arm}: the prompt '{Secret}' was refused")),
        };

        options.FailureWeight = 0;
        return new MetaLlmRouter(
            [new RouterArm("first", Failing("first"), Price(1, 1)), new RouterArm("second", Failing("second"), Price(1, 1))],
            options,
            new ScriptedPolicy(2, 8) { ChooseArm = _ => 0 },
            new HashingFeaturizer(8),
            loggerFactory: logs);
    }
}
