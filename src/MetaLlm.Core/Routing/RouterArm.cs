using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>One model the router can send requests to: a name, the client that calls it, its model id and its price.</summary>
public sealed class RouterArm
{
    /// <summary>Initializes a new instance of the <see cref="RouterArm"/> class.</summary>
    /// <param name="name">
    /// The arm's name, unique within a router, compared without regard to case (for example the model id). It names
    /// the arm in responses, logs, feedback and configuration.
    /// </param>
    /// <param name="client">The client that answers requests routed to this arm.</param>
    /// <param name="pricing">The model's price per token.</param>
    /// <param name="modelId">
    /// The model id sent to <paramref name="client"/> in <see cref="ChatOptions.ModelId"/>, or <see langword="null"/>
    /// for the client's own default (<see cref="ChatClientMetadata.DefaultModelId"/>, when it reports one).
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="modelId"/> is empty or white space.</exception>
    public RouterArm(string name, IChatClient client, ModelPricing pricing, string? modelId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(pricing);
        if (modelId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        }

        Name = name;
        Client = client;
        Pricing = pricing;
        ModelId = modelId ?? client.GetService<ChatClientMetadata>()?.DefaultModelId;
    }

    /// <summary>Gets the arm's name.</summary>
    public string Name { get; }

    /// <summary>Gets the client that answers requests routed to this arm.</summary>
    public IChatClient Client { get; }

    /// <summary>Gets the model's price per token.</summary>
    public ModelPricing Pricing { get; }

    /// <summary>
    /// Gets the model id the router sends to <see cref="Client"/> in every request, in place of the caller's, or
    /// <see langword="null"/> when the client reports none (the router then clears the caller's, so the client uses
    /// its own default).
    /// </summary>
    public string? ModelId { get; }

    /// <summary>Gets what the arm can serve (context length, tools, images). Default <see cref="ArmCapabilities.Unrestricted"/>.</summary>
    public ArmCapabilities Capabilities
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(value));
    } = ArmCapabilities.Unrestricted;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Pricing})";
}
