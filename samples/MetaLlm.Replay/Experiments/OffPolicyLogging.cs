using System.Globalization;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// The logging policy of the off-policy mode (<c>--off-policy-log epsilon-greedy[:ε]</c>): a warm-started, frozen
/// epsilon-greedy router whose decisions, with their propensities, are logged and then used to evaluate the
/// <c>--policies</c> without replaying them.
/// </summary>
/// <param name="Epsilon">The logging policy's ε, in (0, 1]: its share of uniformly random choices.</param>
/// <param name="ThompsonDraws">
/// How many draws of a Thompson-sampling candidate's choice estimate its probabilities per logged decision
/// (<c>--off-policy-draws</c>); 1, the default, is <see cref="RoutingPolicyCandidate"/>'s own single draw.
/// </param>
internal sealed record OffPolicyLogging(double Epsilon, int ThompsonDraws = 1)
{
    /// <summary>
    /// ε when the option gives none. 0.2 spreads a fifth of the traffic over all arms: with dcrouter's 9 arms every arm
    /// has a propensity of at least 0.022, so a candidate that disagrees with the logger is still seen, while the log
    /// stays mostly greedy (as a production router's exploration would).
    /// </summary>
    public const double DefaultEpsilon = 0.2;

    /// <summary>Gets the logging policy's name in reports.</summary>
#pragma warning disable CA1822 // One logging policy today; the name belongs to the instance when there are more.
    public string Name => ReplayPolicy.EpsilonGreedy.Name;
#pragma warning restore CA1822

    /// <summary>Parses <c>epsilon-greedy</c> or <c>epsilon-greedy:ε</c> with ε in (0, 1].</summary>
    /// <exception cref="ArgumentException">The value is neither; the message names the option.</exception>
    public static OffPolicyLogging Parse(string value)
    {
        string text = value.Trim().ToLowerInvariant();
        string name = ReplayPolicy.EpsilonGreedy.Name;
        if (text == name)
        {
            return new OffPolicyLogging(DefaultEpsilon);
        }

        if (text.StartsWith(name + ":", StringComparison.Ordinal))
        {
            string epsilon = text[(name.Length + 1)..];
            return double.TryParse(epsilon, NumberStyles.Float, CultureInfo.InvariantCulture, out double e) && e > 0 && e <= 1
                ? new OffPolicyLogging(e)
                : throw new ArgumentException($"--off-policy-log {value}: ε of epsilon-greedy:ε must be a number in (0, 1], but was '{epsilon}' (0 explores nothing, so the log could only evaluate policies that agree with it).");
        }

        throw new ArgumentException($"Unknown --off-policy-log '{value}'; expected epsilon-greedy or epsilon-greedy:ε (ε in (0, 1], default {DefaultEpsilon.ToString(CultureInfo.InvariantCulture)}): the logging policy must explore, with propensities known exactly.");
    }
}
