namespace MetaLlm.WebApi.State;

/// <summary>Where the router keeps what it learns: <c>--state PATH</c> on the command line, or <c>State:Path</c> in configuration.</summary>
internal static class LearnedStateOptions
{
    /// <summary>The configuration key of the snapshot file's path.</summary>
    public const string PathKey = "State:Path";

    /// <summary>Maps the command line's <c>--state</c> to <see cref="PathKey"/>.</summary>
    public static IDictionary<string, string> CommandLineSwitches { get; } = new Dictionary<string, string> { ["--state"] = PathKey };

    /// <summary>Gets the snapshot file's path, or <see langword="null"/> to keep what is learned in memory only.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The path.</returns>
    public static string? GetPath(IConfiguration configuration) => configuration[PathKey] is { Length: > 0 } path ? path : null;
}
