namespace MetaLlm.Replay.Experiments;

/// <summary>How a replayed router learns (docs/replay-formats.md).</summary>
internal enum ReplaySetting
{
    /// <summary>Fit on the training data, then no updates while evaluating.</summary>
    Offline,

    /// <summary>No training data: learns only from its own choices.</summary>
    Online,

    /// <summary>Fit on the training data, then keeps learning from its own choices.</summary>
    OnlineWarm,
}

/// <summary>Names of <see cref="ReplaySetting"/> as they appear on the command line and in reports.</summary>
internal static class ReplaySettingNames
{
    public static string ToName(this ReplaySetting setting) => setting switch
    {
        ReplaySetting.Offline => "offline",
        ReplaySetting.Online => "online",
        _ => "online-warm",
    };

    public static ReplaySetting Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "offline" => ReplaySetting.Offline,
        "online" => ReplaySetting.Online,
        "online-warm" => ReplaySetting.OnlineWarm,
        _ => throw new ArgumentException($"Unknown setting '{name}'; expected offline, online or online-warm."),
    };

    public static bool UsesTraining(this ReplaySetting setting) => setting != ReplaySetting.Online;

    public static bool Learns(this ReplaySetting setting) => setting != ReplaySetting.Offline;
}
