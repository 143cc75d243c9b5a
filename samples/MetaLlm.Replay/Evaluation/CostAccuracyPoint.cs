namespace MetaLlm.Replay.Evaluation;

/// <summary>A point of the cost–accuracy plane: mean dollars per query and mean score.</summary>
/// <param name="Cost">The mean cost per query in US dollars.</param>
/// <param name="Accuracy">The mean score.</param>
internal readonly record struct CostAccuracyPoint(double Cost, double Accuracy);
