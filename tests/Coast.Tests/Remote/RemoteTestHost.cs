using System.Text.RegularExpressions;
using Coast.Client.Processes;
using Coast.Controller.Remote.Ssh;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Remote;

/// <summary>
/// One "remote machine" made by scripts/remote-testhost.sh: parsed from the single line `up` prints.
/// The name carries the test run id (COAST_TEST_RUN) when set plus a short random id, so leftovers of a
/// crashed run can be found and removed by name (`remote-testhost.sh down --name NAME`).
/// </summary>
public sealed partial class RemoteTestHost
{
    private static readonly string Script = Path.Combine(RepoRoot.Path, "scripts", "remote-testhost.sh");

    private RemoteTestHost(string name, string user, string address, int port, string key, string docker, string netns)
    {
        Name = name;
        User = user;
        Address = address;
        Port = port;
        KeyPath = key;
        DockerHost = docker;
        Netns = netns;
    }

    public string Name { get; }
    public string User { get; }
    public string Address { get; }
    public int Port { get; }
    public string KeyPath { get; }

    /// <summary>The remote engine's socket as seen from this machine, e.g. unix:///run/coast-th-NAME/docker.sock.</summary>
    public string DockerHost { get; }

    public string Netns { get; }

    /// <summary>The state dir holds the key, so it is the key's folder.</summary>
    public string StateDir => Path.GetDirectoryName(KeyPath)!;

    public SshTarget Target => new(User, Address, Port, KeyPath);

    public static string NewName(string suffix = "")
    {
        var run = Environment.GetEnvironmentVariable("COAST_TEST_RUN") ?? "";
        run = new string(run.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c)).Take(8).ToArray());
        var id = Guid.NewGuid().ToString("N")[..6];
        return string.Join('-', new[] { "ct", run, id, suffix }.Where(p => p.Length > 0));
    }

    /// <summary>Runs `up`; when it fails, runs `down` too, so a failed start leaves nothing.</summary>
    public static async Task<RemoteTestHost> UpAsync(string name)
    {
        var up = await RunScriptAsync("up", name);
        try
        {
            if (up.ExitCode != 0) throw new InvalidOperationException($"remote-testhost.sh up failed ({up.ExitCode}): {up.StandardError}");
            return Parse(name, up.StandardOutput);
        }
        catch
        {
            await RunScriptAsync("down", name);
            throw;
        }
    }

    public static RemoteTestHost Parse(string name, string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != 1) throw new FormatException($"up printed {lines.Length} lines, expected exactly one: {stdout}");
        var m = Line().Match(lines[0]);
        if (!m.Success) throw new FormatException($"unexpected up line: {lines[0]}");
        return new RemoteTestHost(name, m.Groups["user"].Value, m.Groups["addr"].Value, int.Parse(m.Groups["port"].Value),
            m.Groups["key"].Value, m.Groups["docker"].Value, m.Groups["netns"].Value);
    }

    public static Task<ProcessResult> RunScriptAsync(string verb, string name) =>
        ProcessRunner.RunAsync("bash", [Script, verb, "--name", name], TimeSpan.FromMinutes(5));

    public Task<ProcessResult> RunScriptAsync(string verb) => RunScriptAsync(verb, Name);

    /// <summary>The fingerprint of the host key sshd currently serves, as ssh-keygen prints it from the key file.</summary>
    public async Task<HostKeyFingerprint> HostKeyFromFileAsync()
    {
        var r = await ProcessRunner.RunCheckedAsync("ssh-keygen", ["-lf", Path.Combine(StateDir, "ssh_host_ed25519_key.pub")]);
        return HostKeyFingerprint.Parse(r.StandardOutput.Split(' ')[1]);
    }

    /// <summary>`docker -H` against the remote engine, from this machine.</summary>
    public Task<ProcessResult> DockerAsync(params string[] args) =>
        ProcessRunner.RunAsync("docker", ["-H", DockerHost, .. args], TimeSpan.FromMinutes(2));

    public int SshdPid => int.Parse(File.ReadAllText(Path.Combine(StateDir, "sshd.pid")).Trim());

    [GeneratedRegex(@"^host=(?<user>[^@\s]+)@(?<addr>[0-9.]+):(?<port>\d+) key=(?<key>\S+) docker=(?<docker>unix:///\S+) netns=(?<netns>\S+)$")]
    private static partial Regex Line();
}
