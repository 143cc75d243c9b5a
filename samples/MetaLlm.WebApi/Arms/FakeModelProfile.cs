namespace MetaLlm.WebApi.Arms;

/// <summary>What a fake model is called, what it costs and which questions it answers well.</summary>
/// <param name="Name">The arm's name.</param>
/// <param name="ModelId">The model id the arm reports.</param>
/// <param name="Pricing">The price per token.</param>
/// <param name="Skill">What it is good at, in words, for the start-up report.</param>
/// <param name="IsGoodAt">Whether it answers a question well.</param>
/// <param name="GoodAnswer">Its answer to a question it is good at.</param>
/// <param name="VagueAnswer">Its answer to any other question.</param>
internal sealed record FakeModelProfile(
    string Name,
    string ModelId,
    ModelPricing Pricing,
    string Skill,
    Func<string, bool> IsGoodAt,
    Func<string, string> GoodAnswer,
    string VagueAnswer);
