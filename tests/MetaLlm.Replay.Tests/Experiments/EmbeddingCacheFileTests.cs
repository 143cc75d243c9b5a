using MetaLlm.Replay.Experiments;
using Microsoft.Extensions.Caching.Distributed;

namespace MetaLlm.Replay.Tests.Experiments;

public sealed class EmbeddingCacheFileTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Saved_entries_are_read_back_exactly_and_only_new_entries_count_as_added()
    {
        string path = _files.PathOf(Path.Combine("sub", "cache.bin"));
        var cache = EmbeddingCacheFile.Open(path);
        cache.Count.Should().Be(0);
        cache.Set("k1", [1, 2, 3], new DistributedCacheEntryOptions());
        cache.Set("k2", [], new DistributedCacheEntryOptions());
        cache.Set("k1", [4, 5], new DistributedCacheEntryOptions());
        cache.Added.Should().Be(2);
        cache.Unsaved.Should().Be(2);

        cache.Save();
        cache.Unsaved.Should().Be(0, "saving settles what was added");
        cache.Added.Should().Be(2, "it counts what this run added, saved or not");
        var reopened = EmbeddingCacheFile.Open(path);

        reopened.LoadProblem.Should().BeNull();
        reopened.Count.Should().Be(2);
        reopened.Get("k1").Should().Equal(4, 5);
        reopened.Get("k2").Should().BeEmpty();
        reopened.Get("absent").Should().BeNull();
        reopened.Added.Should().Be(0);
        reopened.Unsaved.Should().Be(0);
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().Equal([path], "the temporary file is renamed over the cache");
    }

    [Fact]
    public void A_file_that_is_not_a_cache_is_not_trusted_and_is_replaced_on_the_next_save()
    {
        string path = _files.Write("cache.bin", "these are not embeddings");

        var cache = EmbeddingCacheFile.Open(path);

        cache.Count.Should().Be(0);
        cache.LoadProblem.Should().Be("it is not a MetaLlm embedding cache of format 1");
        cache.Set("k", [7], new DistributedCacheEntryOptions());
        cache.Save();
        EmbeddingCacheFile.Open(path).Get("k").Should().Equal(7);
    }

    [Fact]
    public void A_file_cut_short_by_a_crash_loads_as_empty_instead_of_serving_half_an_entry()
    {
        string path = _files.PathOf("cache.bin");
        var cache = EmbeddingCacheFile.Open(path);
        cache.Set("a", new byte[100], new DistributedCacheEntryOptions());
        cache.Set("b", new byte[100], new DistributedCacheEntryOptions());
        cache.Save();
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^10]);

        var reopened = EmbeddingCacheFile.Open(path);

        reopened.Count.Should().Be(0);
        reopened.LoadProblem.Should().StartWith("the file is cut short");
    }

    [Fact]
    public void An_entry_claiming_more_bytes_than_the_file_holds_is_refused_before_anything_is_allocated()
    {
        string path = _files.PathOf("cache.bin");
        var cache = EmbeddingCacheFile.Open(path);
        cache.Set("a", [1, 2, 3, 4], new DistributedCacheEntryOptions());
        cache.Save();
        byte[] bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, bytes.Length - 8);
        File.WriteAllBytes(path, bytes);

        var reopened = EmbeddingCacheFile.Open(path);

        reopened.Count.Should().Be(0);
        reopened.LoadProblem.Should().Be($"the file is cut short or corrupt: entry 0 declares {int.MaxValue} bytes, 4 are left");
    }

    [Fact]
    public void A_failed_save_leaves_the_entries_unsaved_and_the_previous_file_unchanged()
    {
        string path = _files.PathOf("cache.bin");
        var cache = EmbeddingCacheFile.Open(path);
        cache.Set("a", [1], new DistributedCacheEntryOptions());
        cache.Save();
        byte[] before = File.ReadAllBytes(path);
        cache.Set("b", [2], new DistributedCacheEntryOptions());
        using (new FileStream(path + $".{Environment.ProcessId}.tmp", FileMode.Create, FileAccess.Write, FileShare.None))
        {
            // The temporary file is held open without sharing, so the save cannot write it.
            var act = cache.Save;
            act.Should().Throw<IOException>();
        }

        cache.Unsaved.Should().Be(1);
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [Fact]
    public void An_in_memory_cache_refuses_to_save()
    {
        var cache = EmbeddingCacheFile.InMemory();
        cache.Set("k", [1], new DistributedCacheEntryOptions());

        var act = cache.Save;

        act.Should().Throw<InvalidOperationException>().WithMessage("*in-memory*");
        cache.Get("k").Should().Equal(1);
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_entries()
    {
        var cache = EmbeddingCacheFile.InMemory();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                cache.Set($"{t}-{i}", [(byte)t], new DistributedCacheEntryOptions());
            }
        })));

        cache.Count.Should().Be(4000);
        cache.Added.Should().Be(4000);
        cache.Unsaved.Should().Be(4000);
    }
}
