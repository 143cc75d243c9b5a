using MetaLlm.WebApi.Contracts;
using MetaLlm.WebApi.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MetaLlm.WebApi.Endpoints;

/// <summary><c>POST /feedback/{decisionId}</c>: tells the router how good an answer was.</summary>
internal static class FeedbackEndpoints
{
    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/feedback/{decisionId}", RecordFeedback);
        return endpoints;
    }

    private static Results<Ok<FeedbackReply>, ValidationProblem, ProblemHttpResult> RecordFeedback(string decisionId, FeedbackRequest request, MetaLlmRouter router)
    {
        if (request.Score is not double score)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["score"] = ["A score from 0 to 1 is required."] });
        }

        try
        {
            return TypedResults.Ok(FeedbackReply.From(router.RecordFeedback(decisionId, score)));
        }
        catch (Exception ex) when (FeedbackProblems.From(ex) is { } problem)
        {
            return problem;
        }
    }
}
