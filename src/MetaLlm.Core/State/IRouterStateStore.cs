namespace MetaLlm;

/// <summary>Keeps a router's learned state (<see cref="RouterSnapshot"/>) across restarts.</summary>
/// <remarks>
/// <para>
/// Contract for implementations: a save is atomic, so a crash or failure at any point leaves the previously saved
/// snapshot loadable and never a mix of two; a load returns the newest snapshot that is readable, or
/// <see langword="null"/> when nothing was ever saved. A snapshot that is present but unreadable is an error, not
/// <see langword="null"/>: a router must not silently start over from nothing.
/// </para>
/// <para>Snapshots hold no prompt or response text, so a store never persists any.</para>
/// </remarks>
public interface IRouterStateStore
{
    /// <summary>Saves a snapshot atomically, replacing the one saved before.</summary>
    /// <param name="snapshot">The snapshot to save.</param>
    /// <param name="cancellationToken">Cancels the save; a cancelled save leaves the previous snapshot in place.</param>
    /// <returns>A task that completes when the snapshot is durably saved.</returns>
    Task SaveAsync(RouterSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>Loads the newest readable snapshot.</summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The snapshot, or <see langword="null"/> when nothing has been saved yet.</returns>
    Task<RouterSnapshot?> LoadAsync(CancellationToken cancellationToken = default);
}
