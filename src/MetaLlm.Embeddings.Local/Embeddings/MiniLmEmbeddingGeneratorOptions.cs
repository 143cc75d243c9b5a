using System.Globalization;

namespace MetaLlm.Embeddings.Local;

/// <summary>Options of <see cref="MiniLmEmbeddingGenerator"/>.</summary>
public sealed class MiniLmEmbeddingGeneratorOptions
{
    /// <summary>
    /// Gets or sets the most tokens of one text the model reads, counting the <c>[CLS]</c> and <c>[SEP]</c> markers.
    /// Default 256, the limit sentence-transformers uses for all-MiniLM-L6-v2 (it was fine-tuned on 128); at most 512,
    /// the model's position limit; at least 3.
    /// </summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// Gets or sets the share of the token budget that a text too long for it keeps from its start; the rest comes from
    /// its end. Default 0.25: a prompt's end is usually the question (what decides which model can answer), its start
    /// says what kind of task it is. 1 keeps only the start, 0 only the end.
    /// </summary>
    public double LongTextHeadShare { get; set; } = 0.25;

    /// <summary>Gets or sets the most texts the model runs on at once. Default 32; at least 1.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// Gets or sets the number of threads ONNX Runtime uses inside one inference, or 0 for its default (one per
    /// physical core). Default 0.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Checks the options and throws a clear exception naming the first bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxTokens is < 3 or > MiniLmEmbeddingGenerator.ModelMaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"MiniLM reads between 3 and {MiniLmEmbeddingGenerator.ModelMaxTokens} tokens of a text, counting [CLS] and [SEP].");
        }

        if (!(LongTextHeadShare >= 0 && LongTextHeadShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LongTextHeadShare), LongTextHeadShare, "The share of a long text kept from its start must be between 0 and 1.");
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "The batch size must be at least 1.");
        }

        if (IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "The number of threads must be 0 (ONNX Runtime's default) or more.");
        }
    }

    /// <summary>Returns a copy, so that later changes to these options do not reach a generator built from them.</summary>
    /// <returns>The copy.</returns>
    public MiniLmEmbeddingGeneratorOptions Clone() => (MiniLmEmbeddingGeneratorOptions)MemberwiseClone();

    // What changes the vectors: part of the cache key, so a cache shared by differently configured generators stays right.
    internal string VectorSettings => string.Create(CultureInfo.InvariantCulture, $"tokenizer={WordPieceTokenizer.Revision};max-tokens={MaxTokens};head-share={LongTextHeadShare:R}");
}
