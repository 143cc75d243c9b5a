using System.Net.Http.Json;
using System.Text.Json;

namespace MetaLlm.WebApi.Tests.Support;

/// <summary>Calls the sample's endpoints and reads their JSON as it is on the wire.</summary>
public static class HttpJson
{
    public static Task<HttpResponseMessage> ChatAsync(this HttpClient client, string message, string? system = null) =>
        client.PostAsJsonAsync("/chat", system is null ? new { message } : (object)new { message, system });

    public static Task<HttpResponseMessage> FeedbackAsync(this HttpClient client, string decisionId, double score) =>
        client.PostAsJsonAsync($"/feedback/{Uri.EscapeDataString(decisionId)}", new { score });

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Sends a chat and returns its decision id, failing the test if the chat did not answer 200.</summary>
    public static async Task<JsonElement> ChatOkAsync(this HttpClient client, string message)
    {
        using var response = await client.ChatAsync(message);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> GetArmsAsync(this HttpClient client)
    {
        using var response = await client.GetAsync("/arms");
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public static JsonElement Arm(this JsonElement arms, string name) =>
        arms.GetProperty("arms").EnumerateArray().Single(arm => arm.GetProperty("name").GetString() == name);
}
