namespace MetaLlm.WebApi.Contracts;

/// <summary>The body of <c>POST /chat</c>.</summary>
/// <param name="Message">The user's message.</param>
/// <param name="System">Instructions sent as a system message before it, or <see langword="null"/>.</param>
internal sealed record ChatRequest(string? Message, string? System = null);
