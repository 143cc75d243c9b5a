using System.Globalization;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>
/// Reads RouterBench's wide CSV: a <c>prompt</c> column, one score column per model named by the model,
/// <c>&lt;model&gt;|total_cost</c> in US dollars, and optionally <c>&lt;model&gt;|model_response</c>. Other columns are
/// ignored. An empty score counts as 0; an empty cost is left to the price file.
/// </summary>
internal static class RouterBenchCsvReader
{
    private const string CostSuffix = "|total_cost";
    private const string ResponseSuffix = "|model_response";

    public static ReplayDataset Read(string path)
    {
        try
        {
            using var stream = new StreamReader(path);
            return Read(stream, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayDataException(path, null, "cannot be read: " + ex.Message, ex);
        }
    }

    public static ReplayDataset Read(TextReader text, string path)
    {
        var csv = new CsvRecordReader(text, path);
        var header = csv.ReadRecord(out _) ?? throw new ReplayDataException(path, null, "the file is empty; expected a header row.");
        int promptColumn = header.IndexOf("prompt");
        if (promptColumn < 0)
        {
            throw new ReplayDataException(path, 1, "the header has no 'prompt' column.");
        }

        var arms = new List<string>();
        var scoreColumns = new List<int>();
        var costColumns = new List<int>();
        var responseColumns = new List<int>();
        for (int column = 0; column < header.Count; column++)
        {
            if (!header[column].EndsWith(CostSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            string model = header[column][..^CostSuffix.Length];
            int scoreColumn = header.IndexOf(model);
            if (scoreColumn < 0)
            {
                throw new ReplayDataException(path, 1, $"column '{header[column]}' has no score column '{model}' beside it.");
            }

            arms.Add(model);
            scoreColumns.Add(scoreColumn);
            costColumns.Add(column);
            responseColumns.Add(header.IndexOf(model + ResponseSuffix));
        }

        if (arms.Count == 0)
        {
            throw new ReplayDataException(path, 1, "the header names no model: expected columns '<model>' and '<model>|total_cost'.");
        }

        var queries = new List<ReplayQuery>();
        int row = 1;
        while (csv.ReadRecord(out int line) is { } record)
        {
            row++;
            if (record.Count == 1 && record[0].Length == 0)
            {
                continue;
            }

            if (record.Count != header.Count)
            {
                throw new ReplayDataException(path, line, $"row {row} has {record.Count} fields, but the header has {header.Count}.");
            }

            var outcomes = new RecordedOutcome[arms.Count];
            for (int arm = 0; arm < arms.Count; arm++)
            {
                double score = ParseScore(path, line, arms[arm], record[scoreColumns[arm]]);
                decimal? cost = ParseCost(path, line, arms[arm], record[costColumns[arm]]);
                string? response = responseColumns[arm] >= 0 ? record[responseColumns[arm]] : null;
                outcomes[arm] = new RecordedOutcome(score, cost, Response: response);
            }

            string id = (queries.Count + 1).ToString(CultureInfo.InvariantCulture);
            queries.Add(new ReplayQuery(id, line, [new ChatMessage(ChatRole.User, record[promptColumn])], outcomes));
        }

        if (queries.Count == 0)
        {
            throw new ReplayDataException(path, null, "the file has a header but no rows.");
        }

        return new ReplayDataset(Path.GetFileNameWithoutExtension(path), path, arms, queries);
    }

    private static double ParseScore(string path, int line, string model, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double score) || !(score >= 0 && score <= 1))
        {
            throw new ReplayDataException(path, line, $"model '{model}' has score '{text}'; scores must be numbers in [0, 1] (or empty for 0).");
        }

        return score;
    }

    private static decimal? ParseCost(string path, int line, string model, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal cost) || cost < 0)
        {
            throw new ReplayDataException(path, line, $"model '{model}' has total_cost '{text}'; costs must be non-negative numbers of US dollars.");
        }

        return cost;
    }
}
