namespace MetaLlm;

/// <summary>
/// Implemented by exceptions that know what kind of model failure they are, so the router can name it in logs
/// without logging the exception's message (which may echo the prompt). The provider arms' exceptions implement it.
/// </summary>
public interface IModelErrorClassification
{
    /// <summary>Gets a short, prompt-free name of the kind of failure, for example <c>RateLimited</c> or <c>Timeout</c>.</summary>
    string ErrorKind { get; }

    /// <summary>Gets a value indicating whether the same request may succeed if tried again later.</summary>
    bool IsTransient { get; }
}
