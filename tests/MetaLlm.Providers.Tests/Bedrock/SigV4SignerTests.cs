using Amazon.Runtime;

namespace MetaLlm.Providers.Tests.Bedrock;

/// <summary>
/// Cases of AWS's published Signature Version 4 test suite (awslabs/aws-c-auth, tests/aws-signing-test-suite/v4:
/// credentials AKIDEXAMPLE, region us-east-1, service "service", 2015-08-30T12:36:00Z). Expected canonical requests and
/// signatures are the suite's, reproduced as data.
/// </summary>
public sealed class SigV4SignerTests
{
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly ImmutableCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTime SignedAt = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    public static TheoryData<string, string, string, string[], string, string> Cases => new()
    {
        {
            "get-vanilla", "GET", "https://example.amazonaws.com/", [],
            $"GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EmptyHash}",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        },
        {
            "post-vanilla", "POST", "https://example.amazonaws.com/", [],
            $"POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EmptyHash}",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        },
        {
            "get-vanilla-query-order-key-case", "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", [],
            $"GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EmptyHash}",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        },
        {
            "get-header-value-trim", "GET", "https://example.amazonaws.com/", ["My-Header1: value1", "My-Header2: \"a   b   c\""],
            $"GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n{EmptyHash}",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_reproduces_the_published_test_suite(string name, string method, string url, string[] headers, string canonicalRequest, string authorization)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        foreach (string header in headers)
        {
            string[] parts = header.Split(':', 2);
            request.Headers.TryAddWithoutValidation(parts[0], parts[1]);
        }

        string canonical = SigV4Signer.Sign(request, [], Credentials, "us-east-1", "service", SignedAt);

        canonical.Should().Be(canonicalRequest, because: name);
        request.Headers.GetValues("Authorization").Single().Should().Be(authorization, because: name);
        request.Headers.GetValues("X-Amz-Date").Single().Should().Be("20150830T123600Z");
    }

    [Fact]
    public void Sign_encodes_the_already_encoded_model_id_a_second_time_in_the_canonical_uri()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-micro-v1%3A0/converse");

        string canonical = SigV4Signer.Sign(request, "{}"u8, Credentials, "us-east-1", "bedrock", SignedAt);

        canonical.Split('\n')[1].Should().Be("/model/amazon.nova-micro-v1%253A0/converse");
    }

    [Fact]
    public void Sign_adds_the_session_token_of_temporary_credentials_and_signs_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], new ImmutableCredentials("AKIDEXAMPLE", "secret", "session-token"), "us-east-1", "service", SignedAt);

        request.Headers.GetValues("X-Amz-Security-Token").Single().Should().Be("session-token");
        request.Headers.GetValues("Authorization").Single().Should().Contain("SignedHeaders=host;x-amz-date;x-amz-security-token,");
    }
}
