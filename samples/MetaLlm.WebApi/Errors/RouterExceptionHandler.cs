using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MetaLlm.WebApi.Errors;

/// <summary>
/// Answers the router's typed failures with problem details: no arm could serve the request (503, with each arm's
/// reason), or every attempt failed (502, with the attempts). Exception messages of the arms are never sent: they may
/// echo the prompt.
/// </summary>
internal sealed partial class RouterExceptionHandler(IProblemDetailsService problemDetails, ILogger<RouterExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            NoEligibleArmException e => NoEligibleArm(e),
            ArmAttemptsFailedException e => AttemptsFailed(e),
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails NoEligibleArm(NoEligibleArmException exception)
    {
        LogNoEligibleArm(logger, exception.Reasons.Count);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "No model can serve this request",
            Detail = exception.Message,
            Extensions = { ["reasons"] = exception.Reasons },
        };
    }

    private ProblemDetails AttemptsFailed(ArmAttemptsFailedException exception)
    {
        LogAttemptsFailed(logger, exception.DecisionId, exception.Attempts.Count);
        return new ProblemDetails
        {
            Status = StatusCodes.Status502BadGateway,
            Title = "Every model attempt failed",
            Detail = exception.Message,
            Extensions =
            {
                ["decisionId"] = exception.DecisionId,
                ["attempts"] = exception.Attempts
                    .Select(a => new { arm = a.ArmName, outcome = a.Outcome.ToString(), durationMs = Math.Round(a.Duration.TotalMilliseconds, 1), errorKind = a.ErrorKind, exceptionType = a.ExceptionType })
                    .ToArray(),
            },
        };
    }

    [LoggerMessage(1, LogLevel.Warning, "No arm could serve a request ({ArmCount} arms skipped); answered 503.")]
    private static partial void LogNoEligibleArm(ILogger logger, int armCount);

    [LoggerMessage(2, LogLevel.Warning, "Every attempt of decision {DecisionId} failed ({AttemptCount} attempts); answered 502.")]
    private static partial void LogAttemptsFailed(ILogger logger, string decisionId, int attemptCount);
}
