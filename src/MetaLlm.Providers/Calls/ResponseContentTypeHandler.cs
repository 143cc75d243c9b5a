using System.Net.Http.Headers;

namespace MetaLlm.Providers;

/// <summary>
/// Refuses a successful response whose content type is not one the provider speaks (for example an HTML page from a
/// proxy), disposing it before anything reads it.
/// </summary>
internal sealed class ResponseContentTypeHandler : DelegatingHandler
{
    private readonly string _provider;
    private readonly string _modelId;
    private readonly string[] _accepted;

    public ResponseContentTypeHandler(string provider, string modelId, params string[] accepted)
    {
        _provider = provider;
        _modelId = modelId;
        _accepted = accepted;
    }

    public static bool IsAccepted(string? mediaType, IReadOnlyList<string> accepted) =>
        mediaType is not null && accepted.Any(a => string.Equals(a, mediaType, StringComparison.OrdinalIgnoreCase));

    public static ProviderException Refusal(string provider, string modelId, string? mediaType, int status) =>
        new(provider, modelId, ProviderErrorKind.MalformedResponse, isTransient: false,
            $"The response has content type '{mediaType ?? "(none)"}', which is not a model answer.",
            (System.Net.HttpStatusCode)status);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            MediaTypeHeaderValue? contentType = response.Content.Headers.ContentType;
            if (!IsAccepted(contentType?.MediaType, _accepted))
            {
                response.Dispose();
                throw Refusal(_provider, _modelId, contentType?.MediaType, (int)response.StatusCode);
            }
        }

        return response;
    }
}
