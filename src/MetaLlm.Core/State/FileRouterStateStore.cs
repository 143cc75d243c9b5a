using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaLlm;

/// <summary>
/// An <see cref="IRouterStateStore"/> that keeps the snapshot in one file and the one saved before it beside it
/// (<see cref="PreviousFilePath"/>), to fall back on when the newest cannot be read.
/// </summary>
/// <remarks>
/// <para>
/// A save (1) serializes the snapshot, refusing an invalid one before the disk is touched; (2) writes it to a new,
/// uniquely named temporary file in the same folder and flushes that to disk; (3) renames the current file to
/// <see cref="PreviousFilePath"/>, replacing the older one; (4) renames the temporary file to <see cref="FilePath"/>.
/// Each rename is atomic (the temporary file is in the same folder, so on the same file system), and every file is
/// complete on disk before it is renamed, so at every instant one of the two paths holds a complete snapshot: before
/// (3) <see cref="FilePath"/> holds the last one, between (3) and (4) <see cref="PreviousFilePath"/> does, and after
/// (4) <see cref="FilePath"/> holds the new one. A load that finds <see cref="FilePath"/> missing or unreadable falls
/// back to <see cref="PreviousFilePath"/>, so a crash at any point leaves a loadable snapshot.
/// </para>
/// <para>
/// The folder itself is not flushed (.NET has no portable way to), so after a power loss right after a save the file
/// system may bring back the snapshot saved before it, never a torn one.
/// </para>
/// <para>
/// Saves and loads through one store are serialized. Several stores or processes must not save to the same path. A
/// crash during a save can leave a temporary file (<c>name.*.tmp</c>) beside the snapshot; loads ignore it and it may
/// be deleted.
/// </para>
/// </remarks>
#pragma warning disable CA1001 // The semaphore holds nothing to dispose unless its AvailableWaitHandle is used, which it never is.
public sealed partial class FileRouterStateStore : IRouterStateStore
#pragma warning restore CA1001
{
    private const string PreviousSuffix = ".previous";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger;
    private readonly string _directory;
    private readonly string _fileName;

    /// <summary>Initializes a new instance of the <see cref="FileRouterStateStore"/> class.</summary>
    /// <param name="path">The snapshot file; its folder is created on the first save. The previous snapshot is kept at this path with <c>.previous</c> appended.</param>
    /// <param name="logger">Logs a fallback to the previous snapshot (paths and reasons only), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, not a valid path, or names a folder.</exception>
    public FileRouterStateStore(string path, ILogger<FileRouterStateStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"'{path}' is not a valid file path.", nameof(path), exception);
        }

        if (Path.EndsInDirectorySeparator(path) || Directory.Exists(fullPath) || Directory.Exists(fullPath + PreviousSuffix))
        {
            throw new ArgumentException($"'{path}' names a folder; the store needs the path of a file.", nameof(path));
        }

        FilePath = fullPath;
        PreviousFilePath = fullPath + PreviousSuffix;
        _directory = Path.GetDirectoryName(fullPath)!;
        _fileName = Path.GetFileName(fullPath);
        _logger = logger ?? (ILogger)NullLogger<FileRouterStateStore>.Instance;
    }

    /// <summary>Gets the full path of the file holding the newest snapshot.</summary>
    public string FilePath { get; }

    /// <summary>Gets the full path of the file holding the snapshot saved before the newest.</summary>
    public string PreviousFilePath { get; }

    /// <summary>Gets or sets a test hook run with the temporary file's path once it is on disk, before any rename.</summary>
    internal Func<string, Task>? AfterTempWritten { get; set; }

    /// <summary>Gets or sets a test hook run once the current file has become the previous one, before the temporary file takes its place.</summary>
    internal Func<Task>? AfterCurrentKept { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The snapshot is invalid; nothing is written.</exception>
    /// <exception cref="IOException">The file system failed; the previously saved snapshot remains loadable.</exception>
    public async Task SaveAsync(RouterSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        byte[] bytes = RouterSnapshotSerializer.Serialize(snapshot);

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_directory);
            string temporaryPath = Path.Combine(_directory, $"{_fileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                await WriteToDiskAsync(temporaryPath, bytes, cancellationToken).ConfigureAwait(false);
                if (AfterTempWritten is { } afterTempWritten)
                {
                    await afterTempWritten(temporaryPath).ConfigureAwait(false);
                }

                // The last point at which cancelling leaves everything as it was; the renames are not interrupted.
                cancellationToken.ThrowIfCancellationRequested();
                KeepCurrentAsPrevious();
                if (AfterCurrentKept is { } afterCurrentKept)
                {
                    await afterCurrentKept().ConfigureAwait(false);
                }

                File.Move(temporaryPath, FilePath, overwrite: true);
            }
            catch
            {
                TryDelete(temporaryPath);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }

        LogSaved(_logger, FilePath, bytes.Length);
    }

    /// <inheritdoc />
    /// <exception cref="IOException">
    /// Neither file holds a readable snapshot (a <see cref="RouterSnapshotException"/> when the newest is present but
    /// not a good snapshot); the message names both failures.
    /// </exception>
    public async Task<RouterSnapshot?> LoadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var newest = await TryReadAsync(FilePath, cancellationToken).ConfigureAwait(false);
            if (newest.Snapshot is { } snapshot)
            {
                return snapshot;
            }

            if (newest.Failure is { } failure)
            {
                LogFallingBack(_logger, FilePath, ReasonOf(failure), PreviousFilePath);
            }

            var previous = await TryReadAsync(PreviousFilePath, cancellationToken).ConfigureAwait(false);
            if (previous.Snapshot is { } previousSnapshot)
            {
                if (newest.Failure is null)
                {
                    LogLoadingPreviousOfMissing(_logger, FilePath, PreviousFilePath);
                }

                return previousSnapshot;
            }

            return newest.Failure is null && previous.Failure is null
                ? null
                : throw NeitherReadable(newest.Failure, previous.Failure);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task WriteToDiskAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
            PreallocationSize = bytes.Length,
        });
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    private static async Task<ReadResult> TryReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            // Sharing delete lets a save rename over the file while it is read (Windows refuses otherwise).
            var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
            await using (stream.ConfigureAwait(false))
            {
                long length = stream.Length;
                if (length > Array.MaxLength)
                {
                    throw new IOException($"'{path}' is {length} bytes long, more than a router snapshot can be.");
                }

                bytes = new byte[length];
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return default;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new(null, exception);
        }

        try
        {
            return new(RouterSnapshotSerializer.Deserialize(bytes), null);
        }
        catch (RouterSnapshotException exception)
        {
            return new(null, exception);
        }
    }

    private void KeepCurrentAsPrevious()
    {
        try
        {
            File.Move(FilePath, PreviousFilePath, overwrite: true);
        }
        catch (FileNotFoundException)
        {
            // Nothing saved yet, or an interrupted save left only the previous snapshot, which stays.
        }
    }

    private void TryDelete(string temporaryPath)
    {
        try
        {
            File.Delete(temporaryPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogTemporaryFileLeft(_logger, temporaryPath, exception.GetType().Name);
        }
    }

    private IOException NeitherReadable(Exception? newest, Exception? previous)
    {
        var (failure, message) = (newest, previous) switch
        {
            ({ } n, { } p) => (n, $"Neither '{FilePath}' nor '{PreviousFilePath}' holds a readable router snapshot. '{FilePath}': {n.Message} '{PreviousFilePath}': {p.Message}"),
            ({ } n, null) => (n, $"'{FilePath}' holds no readable router snapshot, and there is no '{PreviousFilePath}' to fall back on: {n.Message}"),
            (null, { } p) => (p, $"'{FilePath}' is missing, as after an interrupted save, and '{PreviousFilePath}' holds no readable router snapshot: {p.Message}"),
            _ => throw new InvalidOperationException("A failure is required."),
        };
        return failure is RouterSnapshotException snapshotFailure
            ? new RouterSnapshotException(snapshotFailure.Reason, message, failure)
            : new IOException(message, failure);
    }

    private static string ReasonOf(Exception failure) =>
        failure is RouterSnapshotException snapshotFailure ? snapshotFailure.Reason.ToString() : failure.GetType().Name;

    // Logs carry paths and reasons only, never a snapshot's content.
    [LoggerMessage(100, LogLevel.Warning, "The router snapshot {Path} is unreadable ({Reason}); loading the previous one, {PreviousPath}.")]
    private static partial void LogFallingBack(ILogger logger, string path, string reason, string previousPath);

    [LoggerMessage(101, LogLevel.Warning, "The router snapshot {Path} is missing but {PreviousPath} is present, as after an interrupted save; loading it.")]
    private static partial void LogLoadingPreviousOfMissing(ILogger logger, string path, string previousPath);

    [LoggerMessage(102, LogLevel.Debug, "Saved the router snapshot to {Path} ({Length} bytes).")]
    private static partial void LogSaved(ILogger logger, string path, int length);

    [LoggerMessage(103, LogLevel.Warning, "Could not delete the temporary file {TemporaryPath} ({Reason}); loads ignore it and it may be deleted.")]
    private static partial void LogTemporaryFileLeft(ILogger logger, string temporaryPath, string reason);

    private readonly record struct ReadResult(RouterSnapshot? Snapshot, Exception? Failure);
}
