using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Runtime;

namespace Coast.Controller.GitOps;

/// <summary>
/// How git reaches an ssh URL with nothing from the spec parsed by a shell or by ssh's config language.
/// git runs `GIT_SSH` as a program with an argument list (its path holds no shell characters, so git execs
/// it directly); that program is a fixed script Coast writes in the source's cache (`ssh/git-ssh`) holding
/// only Coast's own paths: `exec ssh -F ssh/config "$@"`. The config names `ssh/identity`, a symlink to
/// spec.credentials.sshKeyPath, so the user's path is only ever a symlink target, whatever its characters;
/// and `ssh/known_hosts`, one line with the server's key, written only after the key the server presents
/// matched spec.hostKey (StrictHostKeyChecking yes: an unknown or changed key is refused, never learnt).
/// </summary>
public static class GitSshTransport
{
    public static async Task<Dictionary<string, string>> PrepareAsync(GitSourceSpec spec, string cacheDir, TimeSpan timeout, CancellationToken ct)
    {
        var url = GitUrl.Parse(spec.Url);
        var dir = Path.Combine(Path.GetFullPath(cacheDir), "ssh");
        if (!dir.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+'))
            throw new ReconcileFailedException(GitSourceNames.FetchFailed,
                $"the source's cache directory {dir} must hold only letters, digits and / . _ - + to run ssh without a shell (choose another COAST_HOME)");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var identity = Path.Combine(dir, "identity");
        File.Delete(identity);
        if (spec.Credentials?.SshKeyPath is { } key)
        {
            CheckKey(key);
            File.CreateSymbolicLink(identity, key);
        }

        var (knownHosts, algorithm) = (Path.Combine(dir, "known_hosts"), await PinnedKnownHostAsync(spec, url, dir, timeout, ct));
        var config = Path.Combine(dir, "config");
        Write(config, Config(identity, spec.Credentials?.SshKeyPath is not null, knownHosts, algorithm, timeout), executable: false);
        var program = Path.Combine(dir, "git-ssh");
        Write(program, $"#!/bin/sh\n# Written by Coast for GIT_SSH (docs/gitops.md): ssh with this source's config; git passes host and command.\nexec ssh -F {config} \"$@\"\n", executable: true);
        return new Dictionary<string, string> { ["GIT_SSH"] = program, ["GIT_SSH_VARIANT"] = "ssh" };
    }

    private static void CheckKey(string key)
    {
        if (!File.Exists(key))
            throw new ReconcileFailedException(GitSourceNames.CredentialsNotFound, $"spec.credentials.sshKeyPath: no file {key}");
        if ((File.GetUnixFileMode(key) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new ReconcileFailedException(GitSourceNames.CredentialsNotFound, $"spec.credentials.sshKeyPath: {key} is readable by others (ssh refuses it); chmod 600 it");
    }

    /// <summary>Reads the key the server presents (nothing is authenticated or sent), refuses it unless it is the pin, writes the known_hosts line.</summary>
    private static async Task<string> PinnedKnownHostAsync(GitSourceSpec spec, GitUrl url, string dir, TimeSpan timeout, CancellationToken ct)
    {
        var pin = HostKeyFingerprint.Parse(spec.HostKey ?? throw new ReconcileFailedException(GitSourceNames.HostKeyMismatch, "spec.hostKey: required for an ssh URL"));
        HostPublicKey presented;
        try
        {
            presented = await HostKeyReader.ReadKeyAsync(url.Host, url.Port, timeout, ct);
        }
        catch (SshConnectException e)
        {
            throw new ReconcileFailedException(GitSourceNames.FetchFailed, $"ssh {url.Host}:{url.Port}: {e.Message}");
        }
        if (presented.Fingerprint != pin)
            throw new ReconcileFailedException(GitSourceNames.HostKeyMismatch,
                $"spec.hostKey: {url.Host}:{url.Port} presented host key {presented.Fingerprint}, pinned {pin}; refusing to connect (nothing was sent). " +
                "If the server's key really changed, set spec.hostKey to the new fingerprint");
        var host = url.Port == 22 ? url.Host : $"[{url.Host}]:{url.Port}";
        Write(Path.Combine(dir, "known_hosts"), $"{host} {presented.KeyType} {presented.Base64}\n", executable: false);
        return presented.Algorithm;
    }

    private static string Config(string identity, bool hasKey, string knownHosts, string algorithm, TimeSpan timeout)
    {
        var c = new StringBuilder("# Written by Coast for this GitSource (docs/gitops.md).\nHost *\n");
        if (hasKey) c.Append($"  IdentityFile {identity}\n  IdentitiesOnly yes\n");
        c.Append($"""
              BatchMode yes
              PasswordAuthentication no
              KbdInteractiveAuthentication no
              StrictHostKeyChecking yes
              UpdateHostKeys no
              CheckHostIP no
              UserKnownHostsFile {knownHosts}
              GlobalKnownHostsFile /dev/null
              HostKeyAlgorithms {algorithm}
              ConnectTimeout {Math.Max(1, (int)timeout.TotalSeconds)}

            """);
        return c.ToString();
    }

    private static void Write(string path, string text, bool executable)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | (executable ? UnixFileMode.UserExecute : 0));
        File.Move(temp, path, overwrite: true);
    }
}
