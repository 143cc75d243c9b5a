using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace MetaLlm.Replay.Experiments;

/// <summary>
/// An <see cref="IDistributedCache"/> held in memory and saved to one file, so the embeddings of a dataset are
/// computed once and every later replay of it reads them back. It stores what the caching embedding generator gives
/// it: hashed keys and serialized vectors, never the embedded text.
/// </summary>
/// <remarks>
/// <see cref="Save"/> writes a temporary file beside the target and renames it over the target, so a crash while
/// saving leaves the previous file intact. Expiration options are ignored: entries live as long as the file.
/// </remarks>
internal sealed class EmbeddingCacheFile : IDistributedCache
{
    private const int FormatVersion = 1;

    private static readonly byte[] Magic = "metallm-embedding-cache\n"u8.ToArray();

    private readonly ConcurrentDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
    private int _added;
    private int _unsaved;

    private EmbeddingCacheFile(string? path)
    {
        Path = path;
    }

    /// <summary>Gets the file the cache is read from and saved to, or <see langword="null"/> for a cache kept in memory only.</summary>
    public string? Path { get; }

    /// <summary>Gets the number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets the number of entries added since the cache was opened.</summary>
    public int Added => Volatile.Read(ref _added);

    /// <summary>Gets the number of entries added since the file was read or last saved.</summary>
    public int Unsaved => Volatile.Read(ref _unsaved);

    /// <summary>Gets why an existing file could not be read (and was started afresh), or <see langword="null"/>.</summary>
    public string? LoadProblem { get; private set; }

    /// <summary>Creates a cache that lives in memory only and cannot be saved.</summary>
    public static EmbeddingCacheFile InMemory() => new(null);

    /// <summary>Opens the cache saved at <paramref name="path"/>, or an empty one when there is no file yet.</summary>
    /// <remarks>A file that is not a cache of this format, or is cut short, is not trusted: the cache starts empty,
    /// <see cref="LoadProblem"/> says why, and the next <see cref="Save"/> replaces the file.</remarks>
    public static EmbeddingCacheFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        var cache = new EmbeddingCacheFile(fullPath);
        if (!File.Exists(fullPath))
        {
            return cache;
        }

        try
        {
            using var reader = new BinaryReader(File.OpenRead(fullPath), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            {
                throw new InvalidDataException("it is not a MetaLlm embedding cache of format 1");
            }

            int count = reader.ReadInt32();
            if (count < 0)
            {
                throw new InvalidDataException($"it declares {count} entries");
            }

            var entries = new List<KeyValuePair<string, byte[]>>(Math.Min(count, 1 << 20));
            for (int i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                int length = reader.ReadInt32();
                long left = reader.BaseStream.Length - reader.BaseStream.Position;
                if (length < 0 || length > left)
                {
                    throw new InvalidDataException($"the file is cut short or corrupt: entry {i} declares {length} bytes, {left} are left");
                }

                byte[] value = reader.ReadBytes(length);

                entries.Add(new(key, value));
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("it has bytes after its last entry");
            }

            foreach (var (key, value) in entries)
            {
                cache._entries[key] = value;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            cache._entries.Clear();
            cache.LoadProblem = ex is EndOfStreamException ? "the file is cut short" : ex.Message;
        }

        return cache;
    }

    /// <summary>Writes every entry to <see cref="Path"/> through a temporary file and a rename.</summary>
    /// <exception cref="InvalidOperationException">The cache lives in memory only.</exception>
    /// <exception cref="IOException">The file cannot be written; the previous file, if any, is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder may not be written.</exception>
    public void Save()
    {
        string path = Path ?? throw new InvalidOperationException("An in-memory embedding cache has no file to save to.");
        string? directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            // Entries added while the snapshot is taken stay counted as unsaved, so the next save writes them.
            int unsaved = Unsaved;
            var snapshot = _entries.ToArray();
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(snapshot.Length);
                foreach (var (key, value) in snapshot.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    writer.Write(key);
                    writer.Write(value.Length);
                    writer.Write(value);
                }

                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            Interlocked.Add(ref _unsaved, -unsaved);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public byte[]? Get(string key) => _entries.TryGetValue(key, out byte[]? value) ? value : null;

    /// <inheritdoc />
    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_entries.TryAdd(key, value))
        {
            Interlocked.Increment(ref _added);
            Interlocked.Increment(ref _unsaved);
        }
        else
        {
            _entries[key] = value;
        }
    }

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Refresh(string key)
    {
    }

    /// <inheritdoc />
    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    /// <inheritdoc />
    public void Remove(string key) => _entries.TryRemove(key, out _);

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }
}
