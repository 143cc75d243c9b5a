using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace MetaLlm.Providers;

/// <summary>
/// Signs HTTP requests with AWS Signature Version 4: builds the canonical request here and lets AWSSDK.Core's
/// <see cref="AWS4Signer"/> derive the key and signature from it.
/// </summary>
internal static class SigV4Signer
{
    /// <summary>Headers that proxies or the HTTP stack may change or drop, so signing them would break the signature.</summary>
    private static readonly HashSet<string> Unsigned = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "connection", "keep-alive", "transfer-encoding", "content-length",
        "x-amzn-trace-id", "traceparent", "tracestate", "accept-encoding",
    };

    /// <summary>Adds <c>Host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (for temporary credentials) and <c>Authorization</c> to a request.</summary>
    /// <param name="request">The request, with its content already set.</param>
    /// <param name="body">The exact bytes of the content.</param>
    /// <param name="credentials">The credentials.</param>
    /// <param name="region">The region in the credential scope.</param>
    /// <param name="service">The service in the credential scope (<c>bedrock</c>).</param>
    /// <param name="signedAt">The signing time (UTC).</param>
    /// <returns>The canonical request that was signed.</returns>
    public static string Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTime signedAt)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        signedAt = signedAt.ToUniversalTime();
        request.Headers.Host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.Remove("X-Amz-Security-Token");
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers.NonValidated)
        {
            if (!Unsigned.Contains(header.Key))
            {
                headers.Add(new(header.Key, string.Join(',', header.Value)));
            }
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.NonValidated)
            {
                if (!Unsigned.Contains(header.Key))
                {
                    headers.Add(new(header.Key, string.Join(',', header.Value)));
                }
            }
        }

        string canonical = CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query, headers, HexSha256(body), out string signedHeaders);
        var result = AWS4Signer.ComputeSignature(credentials.AccessKey, credentials.SecretKey, region, signedAt, service, signedHeaders, canonical);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
        return canonical;
    }

    /// <summary>Builds the canonical request of Signature Version 4 for a non-S3 service (path segments encoded twice).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="rawPath">The path as sent, already percent-encoded.</param>
    /// <param name="rawQuery">The query as sent, with or without the leading <c>?</c>.</param>
    /// <param name="headers">The headers to sign; names in any case, repeated names allowed.</param>
    /// <param name="payloadHash">The lower-case hex SHA-256 of the body.</param>
    /// <param name="signedHeaders">The <c>;</c>-separated lower-case names of the signed headers.</param>
    /// <returns>The canonical request.</returns>
    public static string CanonicalRequest(string method, string rawPath, string? rawQuery, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, out string signedHeaders)
    {
        var text = new StringBuilder();
        text.Append(method.ToUpperInvariant()).Append('\n');
        text.Append(CanonicalPath(rawPath)).Append('\n');
        text.Append(CanonicalQuery(rawQuery)).Append('\n');

        var grouped = headers
            .GroupBy(h => h.Key.Trim().ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        foreach (var group in grouped)
        {
            text.Append(group.Key).Append(':').Append(string.Join(',', group.Select(h => CollapseSpaces(h.Value)))).Append('\n');
        }

        signedHeaders = string.Join(';', grouped.Select(g => g.Key));
        text.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return text.ToString();
    }

    /// <summary>The lower-case hex SHA-256 of some bytes.</summary>
    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    /// <summary>Percent-encodes everything but RFC 3986 unreserved characters, in upper-case hex.</summary>
    public static string Encode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath) || rawPath == "/")
        {
            return "/";
        }

        // Services other than S3 sign each segment of the already-encoded path encoded once more.
        return string.Join('/', rawPath.Split('/').Select(Encode));
    }

    private static string CanonicalQuery(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery) || rawQuery == "?")
        {
            return string.Empty;
        }

        var pairs = rawQuery.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part =>
            {
                int equals = part.IndexOf('=', StringComparison.Ordinal);
                string name = Uri.UnescapeDataString(equals < 0 ? part : part[..equals]);
                string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(part[(equals + 1)..]);
                return (Name: Encode(name), Value: Encode(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    private static string CollapseSpaces(string value)
    {
        var text = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c == ' ')
            {
                if (!space)
                {
                    text.Append(c);
                }

                space = true;
            }
            else
            {
                text.Append(c);
                space = false;
            }
        }

        return text.ToString();
    }
}
