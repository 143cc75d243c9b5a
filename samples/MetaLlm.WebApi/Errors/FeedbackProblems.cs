using Microsoft.AspNetCore.Http.HttpResults;

namespace MetaLlm.WebApi.Errors;

/// <summary>
/// Turns the router's refusals of feedback into problem details with its message: a score out of range is a bad
/// request (400), an unknown or expired decision is not found (404), and a decision that cannot be learned from now
/// (already has feedback, still streaming, its arm failed, cancelled, cost unknown) is a conflict (409).
/// </summary>
internal static class FeedbackProblems
{
    public static ProblemHttpResult? From(Exception exception) => exception switch
    {
        // ArgumentOutOfRangeException derives from ArgumentException: it must be matched first.
        ArgumentOutOfRangeException e => Problem(StatusCodes.Status400BadRequest, "Invalid feedback", e),
        ArgumentException e => Problem(StatusCodes.Status404NotFound, "Unknown decision", e),
        InvalidOperationException e and not ObjectDisposedException => Problem(StatusCodes.Status409Conflict, "Feedback refused", e),
        _ => null,
    };

    private static ProblemHttpResult Problem(int status, string title, Exception exception) =>
        TypedResults.Problem(RouterMessage(exception), statusCode: status, title: title);

    // ArgumentException appends " (Parameter 'name')" (and the actual value) to the router's sentence; the client
    // needs only the sentence.
    private static string RouterMessage(Exception exception)
    {
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { } parameter })
        {
            int at = message.IndexOf($" (Parameter '{parameter}')", StringComparison.Ordinal);
            if (at >= 0)
            {
                return message[..at];
            }
        }

        return message;
    }
}
