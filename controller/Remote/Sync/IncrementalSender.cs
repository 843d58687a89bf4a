using System.Formats.Tar;
using System.IO.Enumeration;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Sync;

/// <summary>
/// Sends a batch of changed paths over the host's existing SSH connection (one exec channel, no new
/// login): paths gone locally are removed on the remote (never under a protected path), the rest go as a
/// tar stream extracted in place. A new directory is sent whole (its files may predate its watch).
/// </summary>
public static class IncrementalSender
{
    public sealed record Sent(long Bytes, int Files);

    public static bool Excluded(string relative, IReadOnlyList<string> excludes) =>
        relative.Split('/').Any(segment => excludes.Any(e => FileSystemName.MatchesSimpleExpression(e.Trim('/'), segment)));

    public static bool Protected(string relative, IReadOnlyList<string> protect) =>
        protect.Any(p => { var dir = p.TrimEnd('*').TrimEnd('/'); return relative == dir || relative.StartsWith(dir + "/"); });

    public static async Task<Sent> SendAsync(SshConnection ssh, string localRoot, string remoteRoot, IReadOnlyCollection<string> changed,
        IReadOnlyList<string> excludes, IReadOnlyList<string> protect, CancellationToken ct)
    {
        var present = new SortedSet<string>(StringComparer.Ordinal);
        var gone = new List<string>();
        foreach (var rel in changed.Where(r => r.Length > 0 && !Excluded(r, excludes)))
        {
            var full = Path.Combine(localRoot, rel);
            if (Directory.Exists(full) && !IsLink(full))
            {
                present.Add(rel);
                foreach (var f in Directory.EnumerateFileSystemEntries(full, "*", SearchOption.AllDirectories))
                {
                    var r = Path.GetRelativePath(localRoot, f);
                    if (!Excluded(r, excludes)) present.Add(r);
                }
            }
            else if (File.Exists(full) || IsLink(full)) present.Add(rel);
            else if (!Protected(rel, protect)) gone.Add(rel);
        }
        long bytes = 0;
        if (gone.Count > 0)
        {
            var rm = await ssh.RunAsync(["rm", "-rf", "--", .. gone.Select(g => $"{remoteRoot.TrimEnd('/')}/{g}")], TimeSpan.FromSeconds(30), ct);
            if (rm.ExitCode != 0) throw new IOException($"removing {gone.Count} paths on the remote failed: {rm.StandardError.Trim()}");
            bytes += gone.Sum(g => g.Length + 1);
        }
        if (present.Count > 0)
        {
            var counter = new long[1];
            var tar = await ssh.RunWithInputAsync(["tar", "-x", "--no-same-owner", "-f", "-", "-C", remoteRoot], async (stdin, token) =>
            {
                await using var counted = new CountingStream(stdin, counter);
                await using var writer = new TarWriter(counted, TarEntryFormat.Pax, leaveOpen: true);
                foreach (var rel in present)
                {
                    var full = Path.Combine(localRoot, rel);
                    if (!Path.Exists(full) && !IsLink(full)) continue; // gone since the listing
                    try { await writer.WriteEntryAsync(full, rel, token); }
                    catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }
                }
            }, TimeSpan.FromMinutes(5), ct);
            if (tar.ExitCode != 0) throw new IOException($"extracting {present.Count} paths on the remote failed: {tar.StandardError.Trim()}");
            bytes += counter[0];
        }
        return new Sent(bytes, present.Count + gone.Count);
    }

    private static bool IsLink(string path)
    {
        try { return new FileInfo(path).LinkTarget is not null; }
        catch (IOException) { return false; }
    }

    /// <summary>Counts what is written through it.</summary>
    private sealed class CountingStream(Stream inner, long[] count) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => count[0]; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int n) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int n) { inner.Write(buffer, offset, n); count[0] += n; }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            await inner.WriteAsync(buffer, ct);
            count[0] += buffer.Length;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int n, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, n), ct).AsTask();
    }
}
