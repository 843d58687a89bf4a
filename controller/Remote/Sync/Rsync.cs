using System.Globalization;
using System.Text.RegularExpressions;
using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;

namespace Coast.Controller.Remote.Sync;

/// <summary>What one rsync run did. Exit 23/24 (partial transfer, vanished files) is a warning, not a failure.</summary>
public sealed record RsyncResult(int ExitCode, long BytesSent, int Files, string? Warning, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// The bulk transfer: `rsync -rlDzt --modify-window=-1 --delete-after` with the seed's excludes and protect
/// filters, over <see cref="RsyncTransport"/>, from an argument list (no shell). The seed's `-rlDz` leaves the
/// remote mtime at the copy time, so rsync's size+second quick check skipped a same-size edit made in the
/// same second as the previous copy; keeping times (-t) and comparing nanoseconds makes every edit count.
/// </summary>
public static partial class Rsync
{
    public static IReadOnlyList<string> Arguments(SyncSessionSpec spec, RsyncTransport transport)
    {
        var args = new List<string> { "-rlDzt", "--modify-window=-1", "--delete-after", "--stats", "--protect-args" };
        if (spec.RsyncPath is { } path) args.Add("--rsync-path=" + path);
        foreach (var p in spec.Protect) args.AddRange(["--filter", $"P {ProtectPattern(p)}"]);
        foreach (var e in spec.Excludes) args.AddRange(["--exclude", e]);
        args.AddRange(["-e", transport.SshCommand, spec.LocalPath.TrimEnd('/') + "/", transport.Destination(spec.RemotePath)]);
        return args;
    }

    /// <summary>"generated/" protects the directory and everything under it: "generated/***".</summary>
    public static string ProtectPattern(string p) => p.EndsWith("***") ? p : p.TrimEnd('/') + "/***";

    public static async Task<RsyncResult> RunAsync(SyncSessionSpec spec, RsyncTransport transport, TimeSpan timeout, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync("rsync", Arguments(spec, transport), timeout, ct);
        var (bytes, files) = ParseStats(r.StandardOutput);
        var lastError = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
        return r.ExitCode switch
        {
            0 => new RsyncResult(0, bytes, files, null, null),
            23 or 24 => new RsyncResult(r.ExitCode, bytes, files, $"rsync exit {r.ExitCode} (partial transfer): {lastError}", null),
            _ => new RsyncResult(r.ExitCode, bytes, files, null, $"rsync exit {r.ExitCode}: {lastError ?? "no message"}"),
        };
    }

    /// <summary>"Total bytes sent: 1,234", "Number of regular files transferred: 3", "Number of deleted files: 1" from --stats.</summary>
    public static (long Bytes, int Files) ParseStats(string stdout)
    {
        long Number(Regex pattern) => pattern.Match(stdout) is { Success: true } m
            ? long.Parse(m.Groups[1].Value.Replace(",", "").Replace(".", ""), CultureInfo.InvariantCulture) : 0;
        return (Number(BytesSent()), (int)(Number(Transferred()) + Number(Deleted())));
    }

    [GeneratedRegex(@"Total bytes sent: ([\d,.]+)")]
    private static partial Regex BytesSent();

    [GeneratedRegex(@"Number of regular files transferred: ([\d,.]+)")]
    private static partial Regex Transferred();

    [GeneratedRegex(@"Number of deleted files: ([\d,.]+)")]
    private static partial Regex Deleted();
}
