using System.Collections.Concurrent;

namespace MetaLlm.WebApi.Traffic;

/// <summary>
/// Counts the answers each arm gave through the sample's chat pipeline. The router keeps attempts per arm
/// (<see cref="MetaLlmRouter.GetArmHealth"/>), which include failed tries and fail-overs, but not which arm answered.
/// </summary>
internal sealed class ArmTraffic
{
    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);

    /// <summary>Counts one answer of an arm.</summary>
    /// <param name="armName">The arm that answered.</param>
    public void Record(string armName) => _answers.AddOrUpdate(armName, 1, (_, count) => count + 1);

    /// <summary>Gets how many answers an arm gave.</summary>
    /// <param name="armName">The arm.</param>
    /// <returns>The count.</returns>
    public long Answers(string armName) => _answers.GetValueOrDefault(armName);
}
