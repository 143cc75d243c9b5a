namespace MetaLlm;

/// <summary>Why bytes could not be read as a <see cref="RouterSnapshot"/>.</summary>
public enum RouterSnapshotFailureReason
{
    /// <summary>The content is damaged or inconsistent although its checksum holds: a wrong length, a malformed header, or statistics that fail validation.</summary>
    Invalid = 0,

    /// <summary>The data does not start with the snapshot signature: it is some other file.</summary>
    NotASnapshot,

    /// <summary>The snapshot was written by a newer MetaLlm, in a format version this one does not read.</summary>
    NewerVersion,

    /// <summary>The snapshot declares a format version that no MetaLlm writes.</summary>
    UnknownVersion,

    /// <summary>The data ends before the length the snapshot declares, as after an interrupted write.</summary>
    Truncated,

    /// <summary>The SHA-256 checksum does not match the content: the data was corrupted after it was written.</summary>
    ChecksumMismatch,
}
