namespace MetaLlm;

/// <summary>Tells failures worth trying another arm for from the caller's cancellation and from requests no arm would serve.</summary>
internal static class ArmFailureClassifier
{
    public static ArmAttemptOutcome Classify(Exception exception, bool timedOut, CancellationToken callerToken)
    {
        if (exception is OperationCanceledException && callerToken.IsCancellationRequested && !timedOut)
        {
            return ArmAttemptOutcome.Cancelled;
        }

        if (timedOut)
        {
            return ArmAttemptOutcome.FailedTransiently;
        }

        return exception switch
        {
            IModelErrorClassification classified => classified.IsTransient ? ArmAttemptOutcome.FailedTransiently : ArmAttemptOutcome.Failed,
            TimeoutException or HttpRequestException or IOException or OperationCanceledException => ArmAttemptOutcome.FailedTransiently,
            _ => ArmAttemptOutcome.Failed,
        };
    }

    public static string ErrorKind(Exception exception, bool timedOut) =>
        timedOut ? "Timeout" : (exception as IModelErrorClassification)?.ErrorKind ?? exception.GetType().Name;
}
