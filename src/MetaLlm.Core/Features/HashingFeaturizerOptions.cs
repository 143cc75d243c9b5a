namespace MetaLlm;

/// <summary>Options of <see cref="HashingFeaturizer"/>.</summary>
public sealed class HashingFeaturizerOptions
{
    /// <summary>Gets or sets the length of the feature vector, including the bias term. Default 128 (as <see cref="MetaLlmRouterOptions.FeatureDimension"/>); at least 2.</summary>
    public int Dimension { get; set; } = 128;

    /// <summary>Gets or sets a value indicating whether system messages and instructions are part of the routing text. Default <see langword="false"/>.</summary>
    public bool IncludeInstructions { get; set; }

    /// <summary>
    /// Gets or sets the most characters of routing text that are hashed. Longer texts keep their first and last halves
    /// of this budget: instructions tend to lead a prompt and the question to end it. Default 16,384.
    /// </summary>
    public int MaxCharacters { get; set; } = 16_384;

    /// <summary>Gets or sets the share of the hashed vector's weight given to word unigrams and bigrams; the rest goes to character trigrams. Default 0.5.</summary>
    public double WordWeight { get; set; } = 0.5;

    /// <summary>Gets or sets the seed of the hash, so that independent featurizers can use independent hashes. Default 0.</summary>
    public uint HashSeed { get; set; }

    /// <summary>Checks the options and throws a clear exception naming the first bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Dimension < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Dimension), Dimension, "The hashing featurizer's dimension must be at least 2 (one hashed feature and the bias).");
        }

        if (MaxCharacters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCharacters), MaxCharacters, "The hashing featurizer must read at least one character.");
        }

        if (!(WordWeight >= 0 && WordWeight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(WordWeight), WordWeight, "The word weight must be between 0 and 1.");
        }
    }
}
