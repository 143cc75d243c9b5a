using Microsoft.Extensions.AI;

namespace MetaLlm.Benchmarks;

/// <summary>A router over no-op arms and a request, shared by the router benchmarks and the quick mode.</summary>
public sealed class RouterRig : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="RouterRig"/> class.</summary>
    public RouterRig(string policy, int arms, int dimension, int promptLength)
    {
        Arm = new NoOpChatClient();
        var routerArms = new RouterArm[arms];
        for (int i = 0; i < arms; i++)
        {
            routerArms[i] = new RouterArm($"arm-{i}", Arm, new ModelPricing(0.1m * (i + 1), 0.4m * (i + 1)));
        }

        Policy = BenchmarkInputs.CreatePolicy(policy, arms, dimension);
        BenchmarkInputs.Warm(Policy, 4 * arms);
        Router = new MetaLlmRouter(routerArms, new MetaLlmRouterOptions { FeatureDimension = dimension, LinUcb = { Seed = 1 } }, Policy, new HashingFeaturizer(dimension));
        Messages = [new ChatMessage(ChatRole.User, BenchmarkInputs.CreatePrompt(promptLength))];
    }

    /// <summary>Gets the arm every route ends at.</summary>
    public NoOpChatClient Arm { get; }

    /// <summary>Gets the router.</summary>
    public MetaLlmRouter Router { get; }

    /// <summary>Gets the router's policy.</summary>
    public LinearBanditPolicy Policy { get; }

    /// <summary>Gets the request.</summary>
    public List<ChatMessage> Messages { get; }

    /// <summary>Calls the arm directly: the baseline the router's overhead is measured against.</summary>
    public Task<ChatResponse> DirectAsync() => Arm.GetResponseAsync(Messages);

    /// <summary>Calls the arm through the router.</summary>
    public Task<ChatResponse> RoutedAsync() => Router.GetResponseAsync(Messages);

    /// <summary>Streams from the arm directly.</summary>
    public async Task<int> DirectStreamingAsync()
    {
        int count = 0;
        await foreach (var update in Arm.GetStreamingResponseAsync(Messages).ConfigureAwait(false))
        {
            count += update.Contents.Count;
        }

        return count;
    }

    /// <summary>Streams from the arm through the router.</summary>
    public async Task<int> RoutedStreamingAsync()
    {
        int count = 0;
        await foreach (var update in Router.GetStreamingResponseAsync(Messages).ConfigureAwait(false))
        {
            count += update.Contents.Count;
        }

        return count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Router.Dispose();
        Policy.Dispose();
    }
}
