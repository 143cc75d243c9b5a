using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MetaLlm.Providers.Tests;

/// <summary>
/// Checks a Signature Version 4 request the way AWS would, with its own HMAC-SHA256 chain and canonicalisation written
/// from the specification, sharing no code with the library's signer.
/// </summary>
internal static class SigV4Verifier
{
    public static (bool Valid, string Reason) Verify(RecordedRequest request, string accessKey, string secretKey, string region, string service)
    {
        if (!request.Headers.TryGetValue("Authorization", out string? authorization) || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return (false, "no SigV4 Authorization header");
        }

        var parts = authorization["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        string[] credential = parts["Credential"].Split('/');
        if (credential.Length != 5 || credential[0] != accessKey || credential[2] != region || credential[3] != service || credential[4] != "aws4_request")
        {
            return (false, "wrong credential scope " + parts["Credential"]);
        }

        string amzDate = request.Headers["X-Amz-Date"];
        if (!amzDate.StartsWith(credential[1], StringComparison.Ordinal))
        {
            return (false, "X-Amz-Date does not match the scope date");
        }

        string[] signedHeaders = parts["SignedHeaders"].Split(';');
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date"))
        {
            return (false, "host and x-amz-date must be signed");
        }

        string rawPath = request.RawTarget.Split('?')[0];
        string canonicalUri = string.Join("/", rawPath.Split('/').Select(UriEncode));
        string canonicalHeaders = string.Concat(signedHeaders.Select(h => h + ":" + request.Headers[h].Trim() + "\n"));
        string canonical = string.Join("\n", request.Method, canonicalUri, string.Empty, canonicalHeaders, parts["SignedHeaders"], Hex(SHA256.HashData(request.Body)));
        string scope = string.Join("/", credential[1], region, service, "aws4_request");
        string stringToSign = string.Join("\n", "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));

        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), credential[1]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        string expected = Hex(Hmac(key, stringToSign));
        return expected == parts["Signature"] ? (true, "ok") : (false, "signature mismatch; canonical request was:\n" + canonical);
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static string UriEncode(string segment)
    {
        const string unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
        var text = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(segment))
        {
            text.Append(unreserved.Contains((char)b, StringComparison.Ordinal) ? ((char)b).ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
