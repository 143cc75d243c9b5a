using System.Globalization;

namespace MetaLlm.Benchmarks;

/// <summary>The arguments of the quick mode: <c>quick --policy linucb --dim 384 --arms 10</c>.</summary>
public sealed class QuickOptions
{
    /// <summary>Gets the policy name.</summary>
    public string Policy { get; private init; } = "linucb";

    /// <summary>Gets the number of features of the policy measurement.</summary>
    public int Dimension { get; private init; } = 384;

    /// <summary>Gets the number of arms.</summary>
    public int Arms { get; private init; } = 10;

    /// <summary>Gets the number of hashed features of the router measurement (the router's default).</summary>
    public int RouterDimension { get; private init; } = 512;

    /// <summary>Gets the prompt length of the router measurement, in characters.</summary>
    public int PromptLength { get; private init; } = 2_000;

    /// <summary>Gets the time budget of each measurement, in seconds.</summary>
    public double SecondsPerMeasurement { get; private init; } = 1.0;

    /// <summary>Gets a value indicating whether the router measurement is skipped.</summary>
    public bool SkipRouter { get; private init; }

    /// <summary>Parses the arguments that follow <c>quick</c>.</summary>
    public static QuickOptions Parse(IReadOnlyList<string> args)
    {
        string policy = "linucb";
        int dimension = 384, arms = 10, routerDimension = 512, prompt = 2_000;
        double seconds = 1.0;
        bool skipRouter = false;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--no-router")
            {
                skipRouter = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{name}' needs a value.");
            }

            string value = args[++i];
            switch (name)
            {
                case "--policy": policy = value; break;
                case "--dim": dimension = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--arms": arms = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--router-dim": routerDimension = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--prompt": prompt = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option '{name}'. Options: --policy, --dim, --arms, --router-dim, --prompt, --seconds, --no-router.");
            }
        }

        return new QuickOptions
        {
            Policy = policy,
            Dimension = dimension,
            Arms = arms,
            RouterDimension = routerDimension,
            PromptLength = prompt,
            SecondsPerMeasurement = seconds,
            SkipRouter = skipRouter,
        };
    }
}
