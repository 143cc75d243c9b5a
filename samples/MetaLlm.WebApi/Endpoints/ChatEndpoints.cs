using MetaLlm.WebApi.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;

namespace MetaLlm.WebApi.Endpoints;

/// <summary><c>POST /chat</c>: sends a message through the router's pipeline.</summary>
internal static partial class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/chat", ChatAsync);
        return endpoints;
    }

    // The router's own failures (no eligible arm, every attempt failed) are thrown on and turned into problem details
    // by RouterExceptionHandler. An arm's failure that no other arm would fix (a refused request) reaches here as the
    // arm's exception, whose message may echo the prompt: only its type is logged and returned.
    private static async Task<Results<Ok<ChatReply>, ValidationProblem, ProblemHttpResult>> ChatAsync(
        ChatRequest request, IChatClient chat, ILoggerFactory loggers, CancellationToken cancellationToken)
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
        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not (NoEligibleArmException or ArmAttemptsFailedException or OperationCanceledException))
        {
            string type = ex.GetType().FullName ?? ex.GetType().Name;
            LogArmFailed(loggers.CreateLogger(typeof(ChatEndpoints)), type);
            return TypedResults.Problem(
                $"The model refused or failed the request ({type}), in a way another model would not fix, so no other arm was tried.",
                statusCode: StatusCodes.Status502BadGateway,
                title: "The model failed");
        }

        string decisionId = response.GetDecisionId() ?? throw new InvalidOperationException("The chat pipeline answered without a routing decision.");
        return TypedResults.Ok(new ChatReply(decisionId, response.GetArmName()!, response.Text, response.GetCostUsd()));
    }

    [LoggerMessage(1, LogLevel.Warning, "An arm failed a chat request with {ExceptionType}, not worth another arm; answered 502.")]
    private static partial void LogArmFailed(ILogger logger, string exceptionType);
}
