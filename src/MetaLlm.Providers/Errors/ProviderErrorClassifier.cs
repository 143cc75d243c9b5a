using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace MetaLlm.Providers;

/// <summary>Turns HTTP statuses and headers into <see cref="ProviderException"/>s with the same rules for every provider.</summary>
internal static class ProviderErrorClassifier
{
    /// <summary>The longest provider message kept in an exception, so a verbose body cannot flood logs.</summary>
    private const int MaxDetailLength = 300;

    public static ProviderErrorKind KindOf(int status) => status switch
    {
        429 => ProviderErrorKind.RateLimited,
        401 or 403 => ProviderErrorKind.Unauthorized,
        408 => ProviderErrorKind.Timeout,
        >= 500 => ProviderErrorKind.ServerError,
        _ => ProviderErrorKind.InvalidRequest,
    };

    /// <summary>Throttling, request timeouts, conflicts from concurrent use and server errors can pass; 501 and 505 will not.</summary>
    public static bool IsTransientStatus(int status) =>
        status is 408 or 409 or 425 or 429 || (status >= 500 && status is not 501 and not 505);

    public static ProviderException FromStatus(string provider, string? modelId, int status, string? errorCode, string? detail, TimeSpan? retryAfter, Exception? inner = null) =>
        new(
            provider,
            modelId,
            KindOf(status),
            IsTransientStatus(status),
            string.IsNullOrWhiteSpace(detail) ? "The provider gave no reason." : Truncate(detail),
            (HttpStatusCode)status,
            errorCode,
            retryAfter,
            inner);

    /// <summary>Reads <c>retry-after-ms</c> (OpenAI) or <c>Retry-After</c> as seconds or an HTTP date, relative to the response's <c>Date</c> when present.</summary>
    public static TimeSpan? ParseRetryAfter(Func<string, string?> header, TimeProvider timeProvider)
    {
        if (header("retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (header("Retry-After") is not { } value)
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var now = header("Date") is { } date && DateTimeOffset.TryParseExact(date.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sent)
                ? sent
                : timeProvider.GetUtcNow();
            var wait = when - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    public static TimeSpan? ParseRetryAfter(HttpResponseHeaders headers, TimeProvider timeProvider) =>
        ParseRetryAfter(name => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null, timeProvider);

    public static string Truncate(string text) =>
        text.Length <= MaxDetailLength ? text : string.Concat(text.AsSpan(0, MaxDetailLength), "…");
}
