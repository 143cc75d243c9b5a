using System.Globalization;
using MetaLlm.Embeddings.Local;
using MetaLlm.Replay.DatasetReaders;
using MetaLlm.Replay.Experiments;

namespace MetaLlm.Replay.CommandLine;

/// <summary>Parses <c>metallm-replay</c>'s arguments into a <see cref="ReplayRequest"/>.</summary>
internal static class ReplayCommandLine
{
    public const string Usage = """
        metallm-replay: replay recorded LLM outcomes through the MetaLlm router.

        Usage: metallm-replay [--train PATH] [--test PATH] [--prices PATH] [options]
          With no --test, replays the bundled dcrouter test split (500 queries, 9 models),
          warm-started from its train split, with its price table.

          --train PATH          training file (enables the offline and online-warm settings)
          --test PATH           evaluated file: outcomes .jsonl, RouterBench .csv or LLMRouter .json
          --prices PATH         {"model": {"input": $/1M, "output": $/1M}} or llm_candidates.json
          --format NAME         auto (default), jsonl, routerbench or llmrouter
          --policies LIST       linucb,thompson,epsilon-greedy,metallm-paper (default: all)
          --settings LIST       offline,online,online-warm (default: all the data allows)
          --lambdas LIST        cost weights λ (default: 0,0.02,0.05,0.1,0.15,0.2,0.3,0.5,1,10)
          --seeds N             shuffled query orders per point (default 5)
          --queries N           replay N test queries, cycling through the file (for timing)
          --report PATH         write the JSON report
          --plot PATH           draw the cost–accuracy plane (.png or .svg)
          --alpha X             LinUCB's exploration α (default 0.1)
          --posterior-scale X   Thompson sampling's posterior scale (default 0.1)
          --epsilon X           epsilon-greedy's ε (default 0.02)
          --penalty-selection S  per-arm (default), shared or configured: how the warm start chooses each arm's
                                 ridge penalty (by leave-one-out on the training file, or --regularization as given)
          --regularization X    the configured ridge penalty: a candidate of the selection, every arm's with
                                 --penalty-selection configured (default 1)
          --cold-regularization X  ridge penalty in the online setting, without warm start (default 1)
          --cold-exploration X  α / posterior scale in the online setting (default 0.5)
          --cold-pca K          features of the online setting: the K − 1 leading principal components of the
                                featurizer's vectors plus a bias, fitted on the prompts alone (default 16;
                                none: the full features; not applied with --pca or --projection)
          --projection K        shrink the features to K (bias included) by a seeded random projection
          --pca K[:whiten]      shrink the features to their K − 1 leading principal components plus a bias,
                                fitted on the training file's prompts (the test file's when there is
                                none; no outcomes are read); :whiten scales each to unit variance
          --with-hashing K      append the features of a hashing-K featurizer to the featurizer's (minilm+hashing)
          --featurizer NAME     minilm (default: all-MiniLM-L6-v2 on the CPU, embeddings cached)
                                or hashing (hashed n-grams: no model, faster, routes less well)
          --embedding-cache PATH  file minilm embeddings are kept in between runs
                                (default: metallm/replay-embeddings.bin in the user's cache folder;
                                none: keep them in memory only)
          --embedding-tokens N  tokens of each prompt minilm reads (default 256, at most 512)
          --shipped-embeddings PATH  minilm vectors of the bundled prompts shipped with the tool, used
                                (after a check against the model) instead of embedding them
                                (default: Data/replay-embeddings-minilm.bin; none: embed every prompt)
          --write-shipped-embeddings PATH  embed every prompt of the run exactly and write them
                                in that file's format, instead of replaying
          --dimension N         hashing featurizer dimension, bias included (default 128)
          --word-weight X       hashing featurizer's weight on words vs character trigrams (default 0.5)
          --output-tokens N     answer length assumed when a file records none (default 200)
          --validate SCHEME     cross-validate on the training file alone (never reads --test):
                                leave-cluster-out (one fold per cluster_id) or kfold[:K] (default K 5);
                                each fold warm-starts on the others and replays its own queries
          --fold-seed N         seed of kfold's random split (default 0)
          --off-policy-log P    off-policy evaluation: per λ and seed, log the test queries through a
                                warm-started, frozen epsilon-greedy router (P = epsilon-greedy[:ε],
                                default ε 0.2), estimate every --policies candidate from that log
                                (IPS, SNIPS, DR, 95% intervals) and compare with its offline replay
          --off-policy-draws M  draws of a Thompson-sampling candidate's choice per logged decision
                                that estimate its probabilities (default 1, one sampled choice)
          --score-models on     also fit a ridge and a logistic score model per model offline (penalties by
                                3-fold cross-validation on the training file) and route the test file with
                                each: which score model routes better (slow: about a minute with minilm)
          --parallelism N       replays run at once (default: processor count)
          --help                show this text
        """;

    /// <summary>Parses the arguments; returns <see langword="null"/> when help was asked for.</summary>
    /// <exception cref="ArgumentException">An argument is unknown, missing its value, or malformed.</exception>
    public static ReplayRequest? Parse(IReadOnlyList<string> args, string dataDirectory)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                return null;
            }

            if (!KnownOptions.Contains(name))
            {
                throw new ArgumentException($"Unknown argument '{name}'. Run with --help for the options.");
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            values[name] = args[++i];
        }

        var defaults = new ReplayTuning();
        var featurizer = values.TryGetValue("--featurizer", out string? featurizerName) ? ReplayFeaturizerNames.Parse(featurizerName) : defaults.Featurizer;

        // Settings of the featurizer not in use would be ignored silently; say so instead.
        bool hashing = featurizer == ReplayFeaturizerKind.Hashing;
        foreach (string option in hashing ? (string[])["--embedding-tokens", "--embedding-cache", "--shipped-embeddings", "--write-shipped-embeddings"] : ["--dimension", "--word-weight"])
        {
            if (values.ContainsKey(option))
            {
                throw new ArgumentException($"{option} does not apply to the {(hashing ? "hashing" : "minilm")} featurizer; use --featurizer {(hashing ? "minilm" : "hashing")} with it.");
            }
        }

        ValidationScheme? validation = null;
        if (values.TryGetValue("--validate", out string? scheme))
        {
            // A validation run splits the training file; the test split must stay unseen, and per-query options have no meaning.
            foreach (string option in (string[])["--test", "--queries", "--plot", "--write-shipped-embeddings", "--score-models"])
            {
                if (values.ContainsKey(option))
                {
                    throw new ArgumentException(option == "--test"
                        ? "--validate never reads a test file: it splits the training file (--train, default the bundled train split). Drop --test."
                        : $"{option} does not apply to --validate.");
                }
            }

            validation = ValidationScheme.Parse(scheme, Integer(values, "--fold-seed", 0, 0));
        }

        OffPolicyLogging? offPolicy = null;
        if (values.TryGetValue("--off-policy-log", out string? logging))
        {
            foreach (string option in (string[])["--validate", "--write-shipped-embeddings"])
            {
                if (values.ContainsKey(option))
                {
                    throw new ArgumentException($"{option} does not apply to --off-policy-log.");
                }
            }

            if (values.TryGetValue("--settings", out string? given) && !string.Equals(given.Trim(), "offline", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--off-policy-log evaluates frozen (offline) policies, so --settings must be offline or left out, not '{given}'.");
            }

            offPolicy = OffPolicyLogging.Parse(logging) with { ThompsonDraws = Integer(values, "--off-policy-draws", 1, 1) };
        }
        else if (values.ContainsKey("--off-policy-draws"))
        {
            throw new ArgumentException("--off-policy-draws applies only with --off-policy-log.");
        }

        if (values.ContainsKey("--fold-seed") && validation?.Kind != ValidationKind.KFold)
        {
            throw new ArgumentException("--fold-seed seeds the random split of --validate kfold; it does not apply without it.");
        }

        bool bundled = !values.ContainsKey("--test");
        var tuning = new ReplayTuning
        {
            Alpha = Number(values, "--alpha", defaults.Alpha),
            PosteriorScale = Number(values, "--posterior-scale", defaults.PosteriorScale),
            Epsilon = Number(values, "--epsilon", defaults.Epsilon),
            Regularization = Number(values, "--regularization", defaults.Regularization),
            PenaltySelection = values.TryGetValue("--penalty-selection", out string? selection) ? PenaltySelectionNames.Parse(selection) : defaults.PenaltySelection,
            ColdStartRegularization = Number(values, "--cold-regularization", defaults.ColdStartRegularization),
            ColdStartExploration = Number(values, "--cold-exploration", defaults.ColdStartExploration),
            ColdStartPrincipalComponents = values.TryGetValue("--cold-pca", out string? coldPca)
                ? (string.Equals(coldPca, "none", StringComparison.OrdinalIgnoreCase) ? null : Integer(values, "--cold-pca", 0, 2))
                : defaults.ColdStartPrincipalComponents,
            FeatureDimension = Integer(values, "--dimension", defaults.FeatureDimension, 2),
            Projection = values.ContainsKey("--projection") ? Integer(values, "--projection", 0, 2) : null,
            PrincipalComponents = values.TryGetValue("--pca", out string? pca) ? ParsePrincipalComponents(pca).Count : null,
            WhitenPrincipalComponents = pca is not null && ParsePrincipalComponents(pca).Whiten,
            WithHashing = values.ContainsKey("--with-hashing") ? Integer(values, "--with-hashing", 0, 2, LinearPolicyOptions.MaxDimension) : null,
            AssumedOutputTokens = Integer(values, "--output-tokens", defaults.AssumedOutputTokens, 0),
            WordWeight = Number(values, "--word-weight", defaults.WordWeight),
            Featurizer = featurizer,
            EmbeddingMaxTokens = Integer(values, "--embedding-tokens", defaults.EmbeddingMaxTokens, 3, MiniLmEmbeddingGenerator.ModelMaxTokens),
        };

        return new ReplayRequest
        {
            TestPath = values.GetValueOrDefault("--test") ?? Path.Combine(dataDirectory, "test.json"),
            TrainPath = values.GetValueOrDefault("--train") ?? (bundled ? Path.Combine(dataDirectory, "train.json") : null),
            DatasetName = bundled ? "dcrouter_test" : null,
            TrainDatasetName = bundled && !values.ContainsKey("--train") ? "dcrouter_train" : null,
            PricesPath = values.GetValueOrDefault("--prices") ?? (bundled ? Path.Combine(dataDirectory, "llm_candidates.json") : null),
            Format = values.TryGetValue("--format", out string? format) ? ParseFormat(format) : DatasetFormat.Auto,
            Policies = values.TryGetValue("--policies", out string? policies) ? [.. List(policies).Select(ReplayPolicy.Parse)] : ReplayPolicy.All,
            Settings = values.TryGetValue("--settings", out string? settings) ? [.. List(settings).Select(ReplaySettingNames.Parse)] : null,
            Lambdas = values.TryGetValue("--lambdas", out string? lambdas) ? [.. List(lambdas).Select(l => ParseNumber("--lambdas", l))] : ReplayRequest.DefaultLambdas,
            Seeds = Integer(values, "--seeds", 5, 1),
            Queries = values.ContainsKey("--queries") ? Integer(values, "--queries", 0, 1) : null,
            Tuning = tuning,
            MaxParallelism = Integer(values, "--parallelism", Environment.ProcessorCount, 1),
            EmbeddingCachePath = values.TryGetValue("--embedding-cache", out string? cache)
                ? (string.Equals(cache, "none", StringComparison.OrdinalIgnoreCase) ? null : cache)
                : DefaultEmbeddingCachePath(),
            Validation = validation,
            OffPolicy = offPolicy,
            CompareScoreModels = values.TryGetValue("--score-models", out string? scoreModels) && ParseOnOff("--score-models", scoreModels),
            ShippedEmbeddingsPath = hashing ? null
                : values.TryGetValue("--shipped-embeddings", out string? shipped)
                    ? (string.Equals(shipped, "none", StringComparison.OrdinalIgnoreCase) ? null : shipped)
                    : Path.Combine(dataDirectory, ShippedEmbeddings.FileName),
            WriteShippedEmbeddingsPath = values.GetValueOrDefault("--write-shipped-embeddings"),
            ReportPath = values.GetValueOrDefault("--report"),
            PlotPath = values.GetValueOrDefault("--plot"),
        };
    }

    private static readonly HashSet<string> KnownOptions =
    [
        "--train", "--test", "--prices", "--format", "--policies", "--settings", "--lambdas", "--seeds", "--queries", "--report", "--plot",
        "--alpha", "--posterior-scale", "--epsilon", "--regularization", "--penalty-selection", "--cold-regularization", "--cold-exploration", "--cold-pca", "--dimension", "--projection", "--pca", "--with-hashing", "--word-weight", "--output-tokens", "--parallelism",
        "--featurizer", "--embedding-cache", "--embedding-tokens", "--validate", "--fold-seed", "--shipped-embeddings", "--write-shipped-embeddings", "--off-policy-log", "--off-policy-draws", "--score-models",
    ];

    /// <summary>The embedding cache's default file: in the user's cache folder ($XDG_CACHE_HOME or ~/.cache; LocalApplicationData on Windows).</summary>
    public static string DefaultEmbeddingCachePath()
    {
        string? folder = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(folder))
        {
            folder = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(folder, "metallm", "replay-embeddings.bin");
    }

    private static IEnumerable<string> List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool ParseOnOff(string name, string value) => value.ToLowerInvariant() switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ArgumentException($"{name} must be on or off, not '{value}'."),
    };

    private static (int Count, bool Whiten) ParsePrincipalComponents(string value)
    {
        string[] parts = value.Split(':');
        bool whiten = parts.Length == 2 && string.Equals(parts[1], "whiten", StringComparison.OrdinalIgnoreCase);
        if (parts.Length > 2 || (parts.Length == 2 && !whiten)
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 2)
        {
            throw new ArgumentException($"--pca must be K or K:whiten with K at least 2, not '{value}'.");
        }

        return (count, whiten);
    }

    private static DatasetFormat ParseFormat(string value) => value.ToLowerInvariant() switch
    {
        "auto" => DatasetFormat.Auto,
        "jsonl" => DatasetFormat.OutcomesJsonl,
        "routerbench" or "csv" => DatasetFormat.RouterBenchCsv,
        "llmrouter" or "json" => DatasetFormat.LlmRouterJson,
        _ => throw new ArgumentException($"Unknown --format '{value}'; expected auto, jsonl, routerbench or llmrouter."),
    };

    private static double Number(Dictionary<string, string> values, string name, double fallback) =>
        values.TryGetValue(name, out string? text) ? ParseNumber(name, text) : fallback;

    private static double ParseNumber(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentException($"{name} expects non-negative numbers, but got '{text}'.");

    private static int Integer(Dictionary<string, string> values, string name, int fallback, int minimum, int maximum = int.MaxValue)
    {
        if (!values.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum && value <= maximum
            ? value
            : throw new ArgumentException(maximum == int.MaxValue
                ? $"{name} expects an integer of at least {minimum}, but got '{text}'."
                : $"{name} expects an integer from {minimum} to {maximum}, but got '{text}'.");
    }
}
