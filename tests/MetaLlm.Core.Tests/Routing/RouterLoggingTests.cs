using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static MetaLlm.Tests.TestArms;

namespace MetaLlm.Tests;

/// <summary>Logs name arms, ids and kinds of failure; never prompt text, nor exception messages that may echo it.</summary>
public class RouterLoggingTests
{
    private const string Secret = "my card number is 4111 1111 1111 1111";

    [Fact]
    public async Task A_failed_arm_is_logged_with_its_exception_type_and_kind_but_not_its_message()
    {
        var logs = new RecordingLoggerFactory();
        var failure = new ClassifiedFailure($"Bad request: '{Secret}' is too long");
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw failure };
        using var router = new MetaLlmRouter([new RouterArm("broken", client, Price(1, 1))], new() { FeatureDimension = 8 }, loggerFactory: logs);

        await router.Invoking(r => r.GetResponseAsync(Ask(Secret))).Should().ThrowAsync<ClassifiedFailure>();

        var warning = logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Message.Should().Contain("broken").And.Contain(typeof(ClassifiedFailure).FullName!).And.Contain("InvalidRequest");
        warning.Exception.Should().BeNull("an attached exception would print its message");
        logs.Entries.Should().NotContain(e => e.Message.Contains("4111", StringComparison.Ordinal) || e.Values.Values.Any(v => v != null && v.ToString()!.Contains("4111", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_caller_s_own_cancellation_is_not_logged_as_a_failure()
    {
        var logs = new RecordingLoggerFactory();
        using var cancellation = new CancellationTokenSource();
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                await cancellation.CancelAsync();
                token.ThrowIfCancellationRequested();
                return new ChatResponse();
            },
        };
        using var router = new MetaLlmRouter([new RouterArm("slow", client, Price(1, 1))], new() { FeatureDimension = 8 }, loggerFactory: logs);

        await router.Invoking(r => r.GetResponseAsync(Ask("q"), cancellationToken: cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();

        logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Debug && e.Message.Contains("cancelled", StringComparison.Ordinal));
        string id = logs.RoutedDecisionIds.Single();
        router.Invoking(r => r.RecordFeedback(id, 1, new UsageDetails { InputTokenCount = 1 })).Should().Throw<InvalidOperationException>().WithMessage("*cancelled*");
    }

    [Fact]
    public async Task A_timeout_inside_the_arm_is_a_failure_even_though_it_is_a_cancellation()
    {
        var logs = new RecordingLoggerFactory();
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new TaskCanceledException("the arm's own HTTP timeout") };
        using var router = new MetaLlmRouter([new RouterArm("slow", client, Price(1, 1))], new() { FeatureDimension = 8 }, loggerFactory: logs);

        (await router.Invoking(r => r.GetResponseAsync(Ask("q"))).Should().ThrowAsync<ArmAttemptsFailedException>()).Which.InnerException.Should().BeOfType<TaskCanceledException>();

        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should().Contain("slow").And.Contain(nameof(TaskCanceledException));
    }

    private sealed class ClassifiedFailure(string message) : Exception(message), IModelErrorClassification
    {
        public string ErrorKind => "InvalidRequest";

        public bool IsTransient => false;
    }
}
