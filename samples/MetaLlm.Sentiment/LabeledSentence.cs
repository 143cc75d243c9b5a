namespace MetaLlm.Sentiment;

/// <summary>A sentence and its true sentiment, "positive" or "negative".</summary>
internal sealed record LabeledSentence(string Text, string Label)
{
    /// <summary>Short review sentences written for this sample in the style of movie and product reviews.</summary>
    public static IReadOnlyList<LabeledSentence> Samples { get; } =
    [
        new("A warm, funny film that earns every one of its tears.", "positive"),
        new("The plot collapses under the weight of its own clichés.", "negative"),
        new("I would happily watch it again tomorrow.", "positive"),
        new("Two hours of my life I will never get back.", "negative"),
        new("The battery lasts all week and charges in minutes.", "positive"),
        new("It stopped working after three days and support never answered.", "negative"),
        new("Beautifully shot, though the ending drags a little; still a delight.", "positive"),
        new("Not even the talented cast can save this lifeless script.", "negative"),
        new("Exactly as described, and it arrived a day early.", "positive"),
        new("The soup was cold and the waiter rolled his eyes at us.", "negative"),
        new("A clever, tightly written thriller that never lets go.", "positive"),
        new("I wanted to like it, but it is dull from start to finish.", "negative"),
        new("Hardly a masterpiece, yet I left the cinema smiling.", "positive"),
        new("Cheap plastic that cracked the first time I used it.", "negative"),
        new("The performances are so good you forget you are watching actors.", "positive"),
        new("It is not bad, it is worse: it is boring.", "negative"),
    ];
}
