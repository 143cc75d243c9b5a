using System.Net;

namespace MetaLlm.Providers.Tests;

/// <summary>
/// Sends requests over real sockets and counts responses left half-read: neither read to the end nor disposed, which
/// would hold a pooled connection hostage.
/// </summary>
internal sealed class TrackingHandler : DelegatingHandler
{
    private int _open;

    public TrackingHandler()
        : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
    }

    public int OpenResponses => Volatile.Read(ref _open);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref _open);
        int done = 0;
        void Finish()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                Interlocked.Decrement(ref _open);
            }
        }

        response.Content = new TrackedContent(response.Content, Finish);
        return response;
    }

    private sealed class TrackedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action _finished;

        public TrackedContent(HttpContent inner, Action finished)
        {
            _inner = inner;
            _finished = finished;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await _inner.CopyToAsync(stream);
            _finished();
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() => new TrackedStream(await _inner.ReadAsStreamAsync(), _finished);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new TrackedStream(await _inner.ReadAsStreamAsync(cancellationToken), _finished);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _finished();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A read-only stream that reports when it reached its end or was disposed.</summary>
    private sealed class TrackedStream(Stream inner, Action finished) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Seen(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Seen(await inner.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Seen(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                finished();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Seen(int read)
        {
            if (read == 0)
            {
                finished();
            }

            return read;
        }
    }
}
