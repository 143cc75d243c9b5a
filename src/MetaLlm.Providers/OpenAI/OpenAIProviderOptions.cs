namespace MetaLlm.Providers;

/// <summary>How an OpenAI arm reaches its model: OpenAI itself, or any OpenAI-compatible server (vLLM, Together, Ollama).</summary>
public sealed class OpenAIProviderOptions : ProviderOptions
{
    /// <summary>Gets or sets the API's base address (for example <c>http://localhost:11434/v1</c> for Ollama), or <see langword="null"/> for OpenAI.</summary>
    public Uri? Endpoint { get; set; }
}
