namespace MetaLlm.Providers;

/// <summary>What went wrong when a provider was called.</summary>
public enum ProviderErrorKind
{
    /// <summary>The provider throttled the request (HTTP 429 or a throttling exception).</summary>
    RateLimited,

    /// <summary>The request was refused as invalid (HTTP 400, 404, 413, 422 and similar): the same request will fail again.</summary>
    InvalidRequest,

    /// <summary>The credentials were missing, wrong, or lack permission (HTTP 401 or 403).</summary>
    Unauthorized,

    /// <summary>The provider failed (HTTP 5xx, an overloaded or internal-error exception).</summary>
    ServerError,

    /// <summary>No complete answer arrived within the configured timeout.</summary>
    Timeout,

    /// <summary>The connection failed or broke before a complete answer arrived.</summary>
    Network,

    /// <summary>The answer arrived but could not be read: truncated or invalid JSON, a wrong content type, a corrupt frame.</summary>
    MalformedResponse,
}
