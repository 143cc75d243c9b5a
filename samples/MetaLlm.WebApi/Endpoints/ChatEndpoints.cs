using MetaLlm.WebApi.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;

namespace MetaLlm.WebApi.Endpoints;

/// <summary><c>POST /chat</c>: sends a message through the router's pipeline.</summary>
internal static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/chat", ChatAsync);
        return endpoints;
    }

    // Router failures (no eligible arm, every attempt failed) are thrown on and turned into problem details by
    // RouterExceptionHandler, as they would be for any other caller of the IChatClient.
    private static async Task<Results<Ok<ChatReply>, ValidationProblem>> ChatAsync(ChatRequest request, IChatClient chat, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Message))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["message"] = ["The message must not be empty."] });
        }

        List<ChatMessage> messages = [];
        if (!string.IsNullOrWhiteSpace(request.System))
        {
            messages.Add(new ChatMessage(ChatRole.System, request.System));
        }

        messages.Add(new ChatMessage(ChatRole.User, request.Message));
        var response = await chat.GetResponseAsync(messages, cancellationToken: cancellationToken);
        string decisionId = response.GetDecisionId() ?? throw new InvalidOperationException("The chat pipeline answered without a routing decision.");
        return TypedResults.Ok(new ChatReply(decisionId, response.GetArmName()!, response.Text, response.GetCostUsd()));
    }
}
