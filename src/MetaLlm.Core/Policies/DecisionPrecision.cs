namespace MetaLlm;

/// <summary>The floating-point precision a linear bandit policy decides in; it always learns in double precision.</summary>
public enum DecisionPrecision
{
    /// <summary>Single precision from 64 features up, double precision below.</summary>
    Automatic = 0,

    /// <summary>
    /// Double precision: estimates equal the reference ridge model's to rounding. Decisions read twice the memory.
    /// </summary>
    DoublePrecision = 1,

    /// <summary>
    /// Single precision: estimates differ from the reference model's by about one part in a million, far below
    /// their statistical uncertainty, and a decision reads half the memory.
    /// </summary>
    SinglePrecision = 2,
}
