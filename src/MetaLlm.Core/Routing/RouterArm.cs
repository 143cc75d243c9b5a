using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>One model the router can send requests to: a name, the client that calls it, and its price.</summary>
public sealed class RouterArm
{
    /// <summary>Initializes a new instance of the <see cref="RouterArm"/> class.</summary>
    /// <param name="name">The arm's name, unique within a router (for example the model id).</param>
    /// <param name="client">The client that answers requests routed to this arm.</param>
    /// <param name="pricing">The model's price per token.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public RouterArm(string name, IChatClient client, ModelPricing pricing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(pricing);
        Name = name;
        Client = client;
        Pricing = pricing;
    }

    /// <summary>Gets the arm's name.</summary>
    public string Name { get; }

    /// <summary>Gets the client that answers requests routed to this arm.</summary>
    public IChatClient Client { get; }

    /// <summary>Gets the model's price per token.</summary>
    public ModelPricing Pricing { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Pricing})";
}
