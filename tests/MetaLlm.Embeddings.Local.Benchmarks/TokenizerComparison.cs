using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace MetaLlm.Embeddings.Local.Benchmarks;

/// <summary>
/// Could Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> replace our <see cref="WordPieceTokenizer"/>? Tokenizes
/// every dcrouter question and a list of edge cases with both, from the same vocabulary, and counts the texts whose ids
/// differ: before truncation, and as the final sequences the model reads (<see cref="MiniLmEmbeddingGenerator.Frame"/>
/// at the default 256 tokens, a quarter from the start). With <c>--dump DIR</c> it also writes the vocabulary and our
/// ids for <c>hf-reference.js</c>, which checks them against HuggingFace's own tokenizer.
/// </summary>
internal static class TokenizerComparison
{
    private const int MaxTokens = 256;
    private const double HeadShare = 0.25;

    /// <summary>Inputs where tokenizers are known to part: white space, controls, long words, scripts, symbols, special tokens.</summary>
    private static readonly string[] EdgeCases =
    [
        "", " ", "\n", "\t", "\r\n", "   \n\t  ",
        "first line\nsecond line", "tab\tseparated\tvalues", "windows\r\nline\r\nends", "old mac\rline", "trailing newline\n", "\n\nleading newlines",
        "a\u000bvertical tab", "form\u000cfeed", "nul\u0000char", "bell\u0007char", "escape\u001b[31mred\u001b[0m", "del\u007fchar", "c1\u0085next line",
        "zero\u200bwidth space", "zw\u200djoiner", "soft\u00adhyphen", "bom\ufefftext", "replacement\ufffdchar", "line\u2028separator", "para\u2029separator",
        "nbsp\u00a0space", "em\u2003space", "ideographic\u3000space", "narrow\u202fnbsp",
        new string('a', 100), new string('a', 101), new string('b', 250), new string('x', 99) + "!",
        string.Concat(Enumerable.Repeat("Supercalifragilisticexpialidocious", 3)), new string('é', 100), new string('é', 101),
        string.Concat(Enumerable.Repeat("e\u0301", 60)), new string('中', 150),
        "café naïve résumé façade Ångström", "CAFÉ NAÏVE", "e\u0301", "Crème brûlée", "Straße", "İstanbul", "ǅungla", "ΑΘΗΝΑ Ελληνικά", "Ωmega ΣΙΣΥΦΟΣ",
        "Привет мир", "ﬁnance ﬂow", "①②③", "x² + y³", "½ ¼", "ｆｕｌｌｗｉｄｔｈ", "Ⅻ", "x\U000E0100y",
        "中文", "我爱北京天安门", "日本語のテキスト", "がぎぐ", "한국어 텍스트", "안녕하세요", "हिन्दी भाषा", "العربية", "עברית", "ไทย", "Tiếng Việt",
        "\U00020000\U00020001 extension B", "豈 compatibility",
        "emoji 😀 test", "👍🏽", "👨‍👩‍👧", "🇫🇷 flag", "❤️", "☃☃", "♥", "→ ← ↑", "™ © ®", "€100 £50 ¥30", "°C",
        "Hello, world!", "...", "!!!???", "--", "---", "a--b", "(1+2)*3=9", "x=3,y", "foo_bar-baz", "<html><body>", "{\"key\": [1, 2]}",
        "C:\\path\\to\\file", "http://example.com/a?b=c&d=e", "e-mail@example.com", "#hashtag @mention $100 %50 ^caret ~tilde `tick`",
        "„quotes“ «guillemets» ‹single›", "“smart” ‘quotes’", "…", "—em–en dash", "¿Qué? ¡Sí!", "、。「」", "§ ¶ †", "؟", "·",
        "[CLS] [SEP] [MASK] [PAD] [UNK]", "text with [SEP] inside", "[cls] lowercase", "[MASK]ed", "x[SEP]y[CLS]", "[[SEP]]", "##ing", "[unused0]",
        "3x + 5 = 20", "tokenization", "unaffable", "don't can't won't", "1,000,000.50", "2024-01-01T12:00:00Z", "iPhone12Pro", "snake_case_name", "CamelCaseName",
        "def f(x):\n    return x**2\n", "```python\nprint('hi')\n```", "\tindented\n\t\tcode",
        "This is an example sentence", "Hello world",
    ];

    public static void Run(string folder, string? dumpFolder, bool codePoints)
    {
        var dataset = Load(Path.Combine(folder, "train.json")).Concat(Load(Path.Combine(folder, "test.json"))).ToArray();
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxTokens = MaxTokens, LongTextHeadShare = HeadShare });
        string[] vocabulary = ReadVocabulary();
        var ours = new WordPieceTokenizer(vocabulary);

        var candidates = new (string Name, BertTokenizer Tokenizer)[]
        {
            ("BertTokenizer, options set as the model's tokenizer config says", CreateDocumented()),
            ("BertTokenizer, white space and BERT punctuation patched in", CreatePatched()),
        };

        Console.WriteLine($"dcrouter: {dataset.Length} questions; edge cases: {EdgeCases.Length}; ids compared before truncation and as the model reads them ({MaxTokens} tokens, head share {HeadShare})");
        foreach (var (name, bert) in candidates)
        {
            Console.WriteLine();
            Console.WriteLine(name);
            Compare("  dcrouter", dataset, vocabulary, ours, generator, bert, examples: 3);
            Compare("  edge cases", EdgeCases, vocabulary, ours, generator, bert, examples: 40);
        }

        var probes = codePoints ? CodePointProbes().ToArray() : [];
        if (codePoints)
        {
            Console.WriteLine();
            Compare($"code points ('x{{c}}y {{c}} X{{c}}Y' for each of {probes.Length} scalar values), {candidates[0].Name}", probes, vocabulary, ours, generator, candidates[0].Tokenizer, examples: 0);
        }

        if (dumpFolder is not null)
        {
            Dump(dumpFolder, vocabulary, ours, [.. dataset, .. EdgeCases, .. probes]);
        }
    }

    private static void Compare(string label, IReadOnlyList<string> texts, string[] vocabulary, WordPieceTokenizer ours, MiniLmEmbeddingGenerator generator, BertTokenizer bert, int examples)
    {
        int before = 0, final = 0, ownTruncation = 0, truncated = 0, failed = 0;
        var shown = new List<string>();
        foreach (string text in texts)
        {
            var ourIds = new List<int>();
            ours.Tokenize(text, ourIds);
            int[] ourSequence = generator.Tokenize(text);
            truncated += ourIds.Count > MaxTokens - 2 ? 1 : 0;

            List<int> theirIds;
            int[] theirSequence, theirOwnTruncation;
            try
            {
                theirIds = [.. bert.EncodeToIds(text, addSpecialTokens: false)];
                theirSequence = MiniLmEmbeddingGenerator.Frame(theirIds, MaxTokens, HeadShare, bert.ClassificationTokenId, bert.SeparatorTokenId, out _);
                theirOwnTruncation = [.. bert.EncodeToIds(text, MaxTokens, out _, out _)];
            }
            catch (ArgumentException exception)
            {
                // .NET's string.Normalize refuses noncharacters such as U+FFFE, which our tokenizer drops before normalising.
                failed++;
                before++;
                final++;
                ownTruncation++;
                AddExample(shown, examples, $"    {Quote(text)}: BertTokenizer throws {exception.GetType().Name}: {exception.Message}");
                continue;
            }

            bool differ = !ourIds.SequenceEqual(theirIds);
            before += differ ? 1 : 0;
            final += ourSequence.AsSpan().SequenceEqual(theirSequence) ? 0 : 1;
            ownTruncation += ourSequence.AsSpan().SequenceEqual(theirOwnTruncation) ? 0 : 1;
            if (differ)
            {
                int from = FirstDifference(ourIds, theirIds);
                AddExample(shown, examples, $"    {Quote(text)}\n      ours {Show(vocabulary, ourIds, from)}\n      bert {Show(vocabulary, theirIds, from)}");
            }
        }

        Console.WriteLine($"{label}: {texts.Count} texts ({truncated} longer than {MaxTokens - 2} tokens), {before} differ before truncation, {final} as the model reads them; "
            + $"against BertTokenizer's own (head-only) truncation {ownTruncation}" + (failed > 0 ? $"; BertTokenizer threw on {failed}" : string.Empty));
        shown.ForEach(Console.WriteLine);
    }

    private static void AddExample(List<string> shown, int limit, string line)
    {
        if (shown.Count < limit)
        {
            shown.Add(line);
        }
    }

    // The documented options, set as all-MiniLM-L6-v2's tokenizer_config.json says: do_lower_case true,
    // tokenize_chinese_chars true, strip_accents null (so accents go with lower-casing), [CLS]/[SEP]/[PAD]/[UNK]/[MASK].
    private static BertTokenizer CreateDocumented()
    {
        using var vocabulary = MiniLmModel.OpenVocabulary();
        return BertTokenizer.Create(vocabulary, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            RemoveNonSpacingMarks = true,
            SplitOnSpecialTokens = true,
            MaxInputCharsPerWord = 100,
        });
    }

    // Beyond configuration: BertTokenizer's own normaliser after turning tab and line ends into spaces (it deletes them
    // as control characters), and a pre-tokenizer that splits as BERT does (its own keeps only \w+ runs and \p{P}).
    private static BertTokenizer CreatePatched()
    {
        var normalizer = CreateDocumented().Normalizer!;
        var specialTokens = new Dictionary<string, int>(StringComparer.Ordinal) { ["[cls]"] = 101, ["[sep]"] = 102, ["[pad]"] = 0, ["[unk]"] = 100, ["[mask]"] = 103 };
        var words = new Regex(@"[^\s!-/:-@\[-`{-~\p{P}]+|[!-/:-@\[-`{-~\p{P}]", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        using var vocabulary = MiniLmModel.OpenVocabulary();
        return BertTokenizer.Create(vocabulary, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            RemoveNonSpacingMarks = true,
            Normalizer = new WhiteSpaceFirstNormalizer(normalizer),
            PreTokenizer = new RegexPreTokenizer(words, specialTokens),
        });
    }

    private static IEnumerable<string> CodePointProbes()
    {
        for (int value = 1; value <= 0x10FFFF; value++)
        {
            if (Rune.IsValid(value))
            {
                string c = char.ConvertFromUtf32(value);
                yield return $"x{c}y {c} X{c}Y";
            }
        }
    }

    private static void Dump(string folder, string[] vocabulary, WordPieceTokenizer ours, IReadOnlyList<string> texts)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), vocabulary, new UTF8Encoding(false));

        using var writer = new StreamWriter(Path.Combine(folder, "texts.jsonl"), append: false, new UTF8Encoding(false));
        var ids = new List<int>();
        foreach (string text in texts)
        {
            ids.Clear();
            ours.Tokenize(text, ids);
            writer.WriteLine(JsonSerializer.Serialize(new { text, ids }));
        }

        Console.WriteLine($"wrote {texts.Count} texts with our ids and the vocabulary to {folder}");
    }

    // The ids from the first difference on, at most 12, as tokens.
    private static string Show(string[] vocabulary, List<int> ids, int from)
    {
        var tokens = ids.Skip(from).Take(12).Select(id => vocabulary[id]);
        return $"{ids.Count} ids, from #{from}: [{string.Join(" ", tokens)}{(ids.Count - from > 12 ? " …" : string.Empty)}]";
    }

    private static int FirstDifference(List<int> a, List<int> b)
    {
        int i = 0;
        while (i < a.Count && i < b.Count && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    // Quoted with invisible characters escaped, so that "a\u200Bb" does not print as "ab".
    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in (text.Length > 80 ? text[..80] : text).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            builder.Append(rune.Value switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                _ when category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.SpaceSeparator && rune.Value != ' ' => $"\\u{rune.Value:X4}",
                _ => rune.ToString(),
            });
        }

        return builder.Append(text.Length > 80 ? "…\"" : "\"").ToString();
    }

    private static string[] ReadVocabulary()
    {
        var lines = new List<string>();
        using var reader = new StreamReader(MiniLmModel.OpenVocabulary(), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return [.. lines];
    }

    private static string[] Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray().Select(e => e.GetProperty("question").GetString() ?? string.Empty).ToArray();
    }

    private sealed class WhiteSpaceFirstNormalizer(Normalizer inner) : Normalizer
    {
        public override string Normalize(string original) =>
            inner.Normalize(original.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '));

        public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
    }
}
