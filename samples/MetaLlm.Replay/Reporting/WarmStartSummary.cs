using System.Globalization;
using System.Text.Json.Serialization;
using MetaLlm.Replay.Experiments;

namespace MetaLlm.Replay.Reporting;

/// <summary>What the warm start chose: each arm's ridge penalty and its leave-one-out error against the configured penalty's.</summary>
internal sealed record WarmStartSummary(
    [property: JsonPropertyName("examples")] int Examples,
    [property: JsonPropertyName("penaltySelection")] string PenaltySelection,
    [property: JsonPropertyName("validationExamples")] int? ValidationExamples,
    [property: JsonPropertyName("configuredPenalty")] double? ConfiguredPenalty,
    [property: JsonPropertyName("penalties")] IReadOnlyDictionary<string, double> Penalties,
    [property: JsonPropertyName("leaveOneOutError")] IReadOnlyDictionary<string, double>? LeaveOneOutError,
    [property: JsonPropertyName("configuredLeaveOneOutError")] IReadOnlyDictionary<string, double>? ConfiguredLeaveOneOutError,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    public static WarmStartSummary From(WarmStartResult result, IReadOnlyList<RouterArm> arms)
    {
        var selection = result.PenaltySelection;
        IReadOnlyDictionary<string, double>? ByArm(IReadOnlyList<double>? values) =>
            values is null ? null : arms.Select((arm, i) => (arm.Name, Value: Math.Round(values[i], 6))).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        return new(
            result.ExampleCount,
            selection?.Selection.ToName() ?? RidgePenaltySelection.Configured.ToName(),
            selection?.ExampleCount,
            selection?.ConfiguredPenalty,
            result.Penalties.ToDictionary(p => p.Key, p => Math.Round(p.Value, 6), StringComparer.Ordinal),
            ByArm(selection?.ValidationErrors),
            ByArm(selection?.ConfiguredValidationErrors),
            Math.Round(result.Elapsed.TotalSeconds, 2));
    }

    /// <summary>One line for the console: the penalties' range and the mean leave-one-out error they reach.</summary>
    public string Describe()
    {
        string range = Penalties.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{Penalties.Values.Min():G3} to {Penalties.Values.Max():G3}");
        return LeaveOneOutError is null || ConfiguredLeaveOneOutError is null
            ? $"Warm start: {Examples} examples, ridge penalties {range} ({PenaltySelection}), in {Seconds:0.0} s."
            : string.Create(CultureInfo.InvariantCulture, $"Warm start: {Examples} examples, ridge penalties chosen {PenaltySelection} by leave-one-out on {ValidationExamples} of them: {range} (mean squared error of the score {LeaveOneOutError.Values.Average():0.0000}; {ConfiguredLeaveOneOutError.Values.Average():0.0000} at the configured {ConfiguredPenalty:G3}), in {Seconds:0.0} s.");
    }
}
