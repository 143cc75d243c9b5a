using Microsoft.Extensions.Logging;
using static MetaLlm.Tests.State.SnapshotFixtures;

namespace MetaLlm.Tests.State;

public sealed class FileRouterStateStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"metallm-state-{Guid.NewGuid():N}");
    private readonly RecordingLoggerFactory _logs = new();

    public FileRouterStateStoreTests() => Directory.CreateDirectory(_folder);

    private string SnapshotPath => Path.Combine(_folder, "router.snapshot");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Nothing_saved_loads_as_null_even_before_the_folder_exists()
    {
        var store = new FileRouterStateStore(Path.Combine(_folder, "not", "yet", "router.snapshot"));

        (await store.LoadAsync()).Should().BeNull();
    }

    [Fact]
    public async Task A_saved_snapshot_loads_bit_for_bit_and_the_one_saved_before_is_kept_as_previous()
    {
        var store = Store(Path.Combine(_folder, "created", "router.snapshot"));
        var first = Create(seed: 1, dimension: 6, decisionCount: 1);
        var second = Create(seed: 2, dimension: 6, decisionCount: 2);

        await store.SaveAsync(first);
        await store.SaveAsync(second);

        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(second);
        ReadFile(store.PreviousFilePath).ShouldBeBitIdenticalTo(first);
        store.PreviousFilePath.Should().Be(store.FilePath + ".previous");
        TemporaryFiles(store).Should().BeEmpty();
        _logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_save_that_fails_after_the_temporary_file_is_written_leaves_the_old_snapshot_and_no_temporary_file()
    {
        var store = Store();
        var old = Create(seed: 1, dimension: 5, decisionCount: 1);
        var lost = Create(seed: 2, dimension: 5, decisionCount: 2);
        await store.SaveAsync(old);
        string? temporary = null;
        store.AfterTempWritten = path =>
        {
            temporary = path;
            throw new IOException("The disk went away.");
        };

        await store.Invoking(s => s.SaveAsync(lost)).Should().ThrowAsync<IOException>().WithMessage("The disk went away.");

        Path.GetDirectoryName(temporary).Should().Be(_folder, "the temporary file must be beside the snapshot, so the rename stays within one file system");
        File.Exists(temporary).Should().BeFalse();
        TemporaryFiles(store).Should().BeEmpty();
        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(old);
        File.Exists(store.PreviousFilePath).Should().BeFalse("nothing was renamed");
    }

    [Fact]
    public async Task The_temporary_file_is_complete_before_anything_is_renamed()
    {
        var store = Store();
        var snapshot = Create(seed: 3, dimension: 9);
        RouterSnapshot? onDisk = null;
        store.AfterTempWritten = path =>
        {
            onDisk = ReadFile(path);
            File.Exists(store.FilePath).Should().BeFalse("the temporary file is written before the current one moves");
            return Task.CompletedTask;
        };

        await store.SaveAsync(snapshot);

        onDisk!.ShouldBeBitIdenticalTo(snapshot);
    }

    [Fact]
    public async Task A_crash_between_the_renames_loads_the_previous_snapshot_with_a_warning_and_the_next_save_recovers()
    {
        var store = Store();
        var old = Create(seed: 1, dimension: 4, decisionCount: 1);
        await store.SaveAsync(old);
        store.AfterCurrentKept = () => throw new IOException("Power cut.");

        await store.Invoking(s => s.SaveAsync(Create(seed: 2, dimension: 4))).Should().ThrowAsync<IOException>();

        File.Exists(store.FilePath).Should().BeFalse();
        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(old);
        var warning = _logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Values["Path"].Should().Be(store.FilePath);
        warning.Message.Should().Contain("interrupted save");

        store.AfterCurrentKept = null;
        var next = Create(seed: 3, dimension: 4, decisionCount: 3);
        await store.SaveAsync(next);
        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(next);
        ReadFile(store.PreviousFilePath).ShouldBeBitIdenticalTo(old);
    }

    [Fact]
    public async Task A_stray_temporary_file_left_by_a_crash_is_ignored()
    {
        var store = Store();
        var snapshot = Create(seed: 1, dimension: 3);
        await store.SaveAsync(snapshot);
        string stray = Path.Combine(_folder, $"router.snapshot.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(stray, RouterSnapshotSerializer.Serialize(Create(seed: 9, dimension: 3))[..100]);

        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(snapshot);
        await store.SaveAsync(Create(seed: 2, dimension: 3));

        (await store.LoadAsync())!.DecisionCount.Should().Be(Create(seed: 2, dimension: 3).DecisionCount);
        File.Exists(stray).Should().BeTrue("a store deletes only its own temporary files");
    }

    [Fact]
    public async Task A_torn_newest_file_falls_back_to_the_previous_snapshot_with_a_warning_that_shows_no_content()
    {
        var store = Store();
        var previous = Create(seed: 1, dimension: 4, decisionCount: 1);
        var newest = Create(seed: 2, dimension: 4, decisionCount: 987_654_321_987);
        await store.SaveAsync(previous);
        await store.SaveAsync(newest);
        Truncate(store.FilePath);

        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(previous);

        var warning = _logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Subject;
        warning.Values["Path"].Should().Be(store.FilePath);
        warning.Values["Reason"].Should().Be(nameof(RouterSnapshotFailureReason.Truncated));
        warning.Values["PreviousPath"].Should().Be(store.PreviousFilePath);
        warning.Exception.Should().BeNull();
        string logged = warning.Message + string.Join(" ", warning.Values.Values);
        logged.Should().NotContain(newest.FeaturizerFingerprint).And.NotContain("alpha").And.NotContain("987654321987");
    }

    [Fact]
    public async Task When_both_files_are_unreadable_the_newest_failure_is_thrown_naming_both()
    {
        var store = Store();
        await store.SaveAsync(Create(seed: 1, dimension: 3));
        await store.SaveAsync(Create(seed: 2, dimension: 3));
        Truncate(store.FilePath);
        byte[] previous = await File.ReadAllBytesAsync(store.PreviousFilePath);
        previous[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(store.PreviousFilePath, previous);

        var thrown = await store.Invoking(s => s.LoadAsync()).Should().ThrowAsync<RouterSnapshotException>();

        thrown.Which.Reason.Should().Be(RouterSnapshotFailureReason.Truncated, "the newest file's failure is the one reported");
        thrown.Which.Message.Should().Contain(store.FilePath).And.Contain(store.PreviousFilePath).And.Contain("truncated").And.Contain("checksum");
        thrown.Which.InnerException.Should().BeOfType<RouterSnapshotException>();
    }

    [Fact]
    public async Task An_unreadable_snapshot_with_nothing_to_fall_back_on_is_an_error_not_a_fresh_start()
    {
        var store = Store();
        await File.WriteAllTextAsync(store.FilePath, "{\"not\": \"a snapshot\"}");

        var thrown = await store.Invoking(s => s.LoadAsync()).Should().ThrowAsync<RouterSnapshotException>();

        thrown.Which.Reason.Should().Be(RouterSnapshotFailureReason.NotASnapshot);
        thrown.Which.Message.Should().Contain($"there is no '{store.PreviousFilePath}'");
    }

    [Fact]
    public async Task A_missing_newest_file_and_an_unreadable_previous_one_report_the_previous_failure()
    {
        var store = Store();
        await File.WriteAllBytesAsync(store.PreviousFilePath, RouterSnapshotSerializer.Serialize(Create(seed: 1, dimension: 2))[..40]);

        var thrown = await store.Invoking(s => s.LoadAsync()).Should().ThrowAsync<RouterSnapshotException>();

        thrown.Which.Reason.Should().Be(RouterSnapshotFailureReason.Truncated);
        thrown.Which.Message.Should().Contain("is missing").And.Contain(store.PreviousFilePath);
    }

    [Fact]
    public async Task Concurrent_saves_are_serialized_so_the_file_is_one_of_them_complete()
    {
        var store = Store();
        var snapshots = Enumerable.Range(1, 8).Select(i => Create(seed: i, dimension: 24, armCount: 4, decisionCount: i)).ToArray();
        using var start = new ManualResetEventSlim();
        int inside = 0, mostInside = 0;
        store.AfterTempWritten = async _ =>
        {
            int now = Interlocked.Increment(ref inside);
            InterlockedMax(ref mostInside, now);
            await Task.Delay(2); // widen the window a second save or a load could slip into
        };
        store.AfterCurrentKept = async () =>
        {
            await Task.Delay(2); // the moment the snapshot is only in the previous file
            Interlocked.Decrement(ref inside);
        };

        var saves = snapshots.Select(snapshot => Task.Run(async () =>
        {
            start.Wait();
            await store.SaveAsync(snapshot);
        })).ToArray();
        var loads = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await store.LoadAsync();
        })).ToArray();
        start.Set();
        await Task.WhenAll(saves);

        mostInside.Should().Be(1, "saves through one store must not overlap");
        var loaded = (await store.LoadAsync())!;
        loaded.ShouldBeBitIdenticalTo(snapshots[loaded.DecisionCount - 1]);
        var previous = ReadFile(store.PreviousFilePath);
        previous.ShouldBeBitIdenticalTo(snapshots[previous.DecisionCount - 1]);
        previous.DecisionCount.Should().NotBe(loaded.DecisionCount);
        foreach (var during in await Task.WhenAll(loads))
        {
            if (during is not null)
            {
                during.ShouldBeBitIdenticalTo(snapshots[during.DecisionCount - 1]);
            }
        }

        TemporaryFiles(store).Should().BeEmpty();
        _logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning, "a load never sees the moment between the renames");
    }

    [Fact]
    public async Task An_invalid_snapshot_is_refused_before_the_disk_is_touched()
    {
        var store = Store();
        var good = Create(seed: 1, dimension: 3);
        await store.SaveAsync(good);
        var bad = Create(seed: 2, dimension: 3);
        bad.Arms["beta"].Count = -1;

        await store.Invoking(s => s.SaveAsync(bad)).Should().ThrowAsync<ArgumentException>().WithMessage("*Arm 'beta'*Count is negative*");

        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(good);
        File.Exists(store.PreviousFilePath).Should().BeFalse();
        TemporaryFiles(store).Should().BeEmpty();
    }

    [Fact]
    public async Task A_save_cancelled_before_the_renames_leaves_everything_as_it_was()
    {
        var store = Store();
        var good = Create(seed: 1, dimension: 3);
        await store.SaveAsync(good);
        using var cancellation = new CancellationTokenSource();
        store.AfterTempWritten = _ => cancellation.CancelAsync();

        await store.Invoking(s => s.SaveAsync(Create(seed: 2, dimension: 3), cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();

        (await store.LoadAsync())!.ShouldBeBitIdenticalTo(good);
        File.Exists(store.PreviousFilePath).Should().BeFalse();
        TemporaryFiles(store).Should().BeEmpty();
    }

    [Fact]
    public void A_path_that_is_empty_invalid_or_a_folder_is_refused_up_front()
    {
        FluentActions.Invoking(() => new FileRouterStateStore(null!)).Should().Throw<ArgumentNullException>();
        foreach (string path in new[] { string.Empty, "   ", _folder, _folder + Path.DirectorySeparatorChar, Path.Combine(_folder, "."), "bad\0name" })
        {
            FluentActions.Invoking(() => new FileRouterStateStore(path)).Should().Throw<ArgumentException>($"'{path}' is no file path").Which.ParamName.Should().Be("path");
        }

        Directory.CreateDirectory(SnapshotPath + ".previous");
        FluentActions.Invoking(() => new FileRouterStateStore(SnapshotPath)).Should().Throw<ArgumentException>("the previous snapshot's path is a folder");
    }

    [Fact]
    public void A_relative_path_is_made_full()
    {
        var store = new FileRouterStateStore("router.snapshot");

        store.FilePath.Should().Be(Path.GetFullPath("router.snapshot"));
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, seen) != seen)
        {
        }
    }

    private FileRouterStateStore Store(string? path = null) => new(path ?? SnapshotPath, new Logger<FileRouterStateStore>(_logs));

    private static RouterSnapshot ReadFile(string path) => RouterSnapshotSerializer.Deserialize(File.ReadAllBytes(path));

    private static string[] TemporaryFiles(FileRouterStateStore store) =>
        Directory.GetFiles(Path.GetDirectoryName(store.FilePath)!, Path.GetFileName(store.FilePath) + ".*.tmp");

    private static void Truncate(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length / 2);
    }
}
