namespace MetaLlm.WebApi.Arms;

/// <summary>An arm the sample registered, and where it comes from, for the start-up report.</summary>
/// <param name="Name">The arm's name.</param>
/// <param name="Source">The provider (<c>openai</c>, <c>anthropic</c>, <c>bedrock</c>) or <c>fake</c>.</param>
/// <param name="Note">Why it is there (which credential, or what a fake model is good at); never a secret.</param>
internal sealed record ActiveArm(string Name, string Source, string Note);
