namespace MetaLlm.Replay.Experiments;

/// <summary>The command-line and report names of <see cref="RidgePenaltySelection"/>.</summary>
internal static class PenaltySelectionNames
{
    private static readonly (RidgePenaltySelection Selection, string Name)[] Names =
    [
        (RidgePenaltySelection.PerArm, "per-arm"),
        (RidgePenaltySelection.Shared, "shared"),
        (RidgePenaltySelection.Configured, "configured"),
    ];

    public static string ToName(this RidgePenaltySelection selection) => Names.First(n => n.Selection == selection).Name;

    public static RidgePenaltySelection Parse(string name) =>
        Names.FirstOrDefault(n => string.Equals(n.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { Name: not null } found
            ? found.Selection
            : throw new ArgumentException($"Unknown penalty selection '{name}'; expected one of {string.Join(", ", Names.Select(n => n.Name))}.");
}
