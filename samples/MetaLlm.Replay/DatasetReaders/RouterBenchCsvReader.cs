using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.AI;

namespace MetaLlm.Replay.DatasetReaders;

/// <summary>
/// Reads RouterBench's wide CSV: a <c>prompt</c> column, one score column per model named by the model,
/// <c>&lt;model&gt;|total_cost</c> in US dollars, and optionally <c>&lt;model&gt;|model_response</c>. Other columns are
/// ignored. An empty score counts as 0; an empty cost is left to the price file.
/// </summary>
/// <remarks>
/// The CSV itself is parsed by CsvHelper as RFC 4180: quoted fields may hold commas, doubled quotes and line breaks,
/// and empty lines are skipped. Malformed quoting stops the read with the line its record starts on, instead of being
/// repaired silently.
/// </remarks>
internal static class RouterBenchCsvReader
{
    private const string CostSuffix = "|total_cost";
    private const string ResponseSuffix = "|model_response";

    /// <summary>Reads the RouterBench CSV file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="ReplayDataException">The file cannot be read, is not valid CSV, or is not in RouterBench's shape.</exception>
    public static ReplayDataset Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayDataException(path, null, "cannot be read: " + ex.Message, ex);
        }
    }

    private static ReplayDataset Read(Stream stream, string path)
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            IncludeValuesInExceptions = false,

            // Recover would repair bad quoting by guessing; the callback refuses it instead, naming the line.
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = record => throw new ReplayDataException(path, LineOf(record.LineNumber), Describe(record.Reason)),
        };

        try
        {
            using var csv = CsvReader.Create(stream, options, leaveOpen: true);
            return Read(csv, path);
        }
        catch (CsvFormatException ex)
        {
            throw new ReplayDataException(path, LineOf(ex.LineNumber), "not valid CSV: " + ex.Message, ex);
        }
    }

    private static ReplayDataset Read(CsvReader csv, string path)
    {
        var header = csv.Headers;
        if (header.Count == 0)
        {
            throw new ReplayDataException(path, null, "the file is empty; expected a header row.");
        }

        int promptColumn = IndexOf(header, "prompt");
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
            int scoreColumn = IndexOf(header, model);
            if (scoreColumn < 0)
            {
                throw new ReplayDataException(path, 1, $"column '{header[column]}' has no score column '{model}' beside it.");
            }

            arms.Add(model);
            scoreColumns.Add(scoreColumn);
            costColumns.Add(column);
            responseColumns.Add(IndexOf(header, model + ResponseSuffix));
        }

        if (arms.Count == 0)
        {
            throw new ReplayDataException(path, 1, "the header names no model: expected columns '<model>' and '<model>|total_cost'.");
        }

        var queries = new List<ReplayQuery>();
        while (csv.Read())
        {
            int line = LineOf(csv.LineNumber) ?? 0;
            if (csv.FieldCount != header.Count)
            {
                // Rows are numbered as a spreadsheet shows them: the header is row 1.
                long row = csv.RowNumber + 1;
                throw new ReplayDataException(path, line, $"row {row} has {csv.FieldCount} fields, but the header has {header.Count}.");
            }

            var outcomes = new RecordedOutcome[arms.Count];
            for (int arm = 0; arm < arms.Count; arm++)
            {
                double score = ParseScore(path, line, arms[arm], csv.GetString(scoreColumns[arm]));
                decimal? cost = ParseCost(path, line, arms[arm], csv.GetString(costColumns[arm]));
                string? response = responseColumns[arm] >= 0 ? csv.GetString(responseColumns[arm]) : null;
                outcomes[arm] = new RecordedOutcome(score, cost, Response: response);
            }

            string id = (queries.Count + 1).ToString(CultureInfo.InvariantCulture);
            queries.Add(new ReplayQuery(id, line, [new ChatMessage(ChatRole.User, csv.GetString(promptColumn))], outcomes));
        }

        if (queries.Count == 0)
        {
            throw new ReplayDataException(path, null, "the file has a header but no rows.");
        }

        return new ReplayDataset(Path.GetFileNameWithoutExtension(path), path, arms, queries);
    }

    /// <summary>The first column named exactly <paramref name="name"/>, or -1.</summary>
    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int column = 0; column < header.Count; column++)
        {
            if (string.Equals(header[column], name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return -1;
    }

    /// <summary>CsvHelper's 1-based line, or <see langword="null"/> when it does not know one (0).</summary>
    private static int? LineOf(long line) => line > 0 ? (int)Math.Min(line, int.MaxValue) : null;

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed (missing '\"').",
        CsvMalformedReason.StrayQuote => "a field that does not start with '\"' contains one; quote the whole field and double the quotes inside it.",
        CsvMalformedReason.TextAfterClosingQuote => "text follows the closing '\"' of a quoted field; a '\"' inside a quoted field must be doubled.",
        _ => $"the record is malformed CSV ({reason}).",
    };

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
