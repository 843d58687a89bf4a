using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Sync;

/// <summary>
/// How rsync reaches a RemoteHost with the same identity as the controller's SSH connection: OpenSSH
/// with the host's identity file and a known_hosts file Coast writes from the pinned key (read from the
/// server and checked against the pin first), StrictHostKeyChecking on, so a changed key is refused by
/// ssh itself too.
/// </summary>
/// <summary>Where Coast keeps the known_hosts files it writes for rsync (default $COAST_HOME/remote).</summary>
public sealed record SyncOptions(string StateDirectory)
{
    public static SyncOptions Default => new(Path.Combine(Coast.Client.Database.DatabaseLocator.CoastHome, "remote"));
}

public sealed record RsyncTransport(SshTarget Target, string KnownHostsFile, string HostKeyAlgorithm)
{
    /// <summary>Reads the server's key, refuses it unless it matches <paramref name="pin"/>, writes a one-line known_hosts (0600).</summary>
    public static async Task<RsyncTransport> PrepareAsync(string directory, string hostName, SshTarget target, HostKeyFingerprint pin, CancellationToken ct)
    {
        var key = await HostKeyReader.ReadKeyAsync(target.Host, target.Port, TimeSpan.FromSeconds(10), ct);
        if (key.Fingerprint != pin) throw new HostKeyMismatchException(target, pin, key.Fingerprint);
        System.IO.Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{hostName}.known_hosts");
        var host = target.Port == 22 ? target.Host : $"[{target.Host}]:{target.Port}";
        var temp = file + ".tmp";
        await File.WriteAllTextAsync(temp, $"{host} {key.KeyType} {key.Base64}\n", ct);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, file, overwrite: true);
        return new RsyncTransport(target, file, key.Algorithm);
    }

    /// <summary>rsync's -e value. rsync splits it on spaces and honours quotes, so paths are single-quoted.</summary>
    public string SshCommand => string.Join(' ', new[]
    {
        "ssh", "-p", Target.Port.ToString(), "-i", Quote(Target.IdentityFile),
        "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + Quote(KnownHostsFile), "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "HostKeyAlgorithms=" + HostKeyAlgorithm, "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15",
    });

    /// <summary>user@host:path/ for rsync (IPv6 addresses in brackets).</summary>
    public string Destination(string remotePath) =>
        $"{Target.User}@{(Target.Host.Contains(':') ? $"[{Target.Host}]" : Target.Host)}:{remotePath.TrimEnd('/')}/";

    private static string Quote(string s) => s.Contains(' ') || s.Contains('\'') ? "'" + s.Replace("'", "'\\''") + "'" : s;
}
