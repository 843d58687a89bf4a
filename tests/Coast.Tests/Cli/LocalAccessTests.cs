using System.Diagnostics;
using Coast.Client.Database;
using Coast.Client.Processes;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>
/// Issue 7.1: only root and the Coast home's owner reach the embedded database and the control socket.
/// Real `coast` processes as root with their own embedded cluster (the server runs as `postgres`), and
/// probes as the unprivileged user `nobody` (psql and socat through runuser). Each layer is shown on its
/// own: file modes first, then, with the modes loosened on purpose, peer authentication and the control
/// socket's peer-credential check.
/// </summary>
[Trait("Category", Category.Postgres)]
public sealed class LocalAccessTests : IAsyncLifetime
{
    private const UnixFileMode Dir700 = PrivateFiles.OwnerOnlyDirectory;
    private const UnixFileMode Dir710 = PrivateFiles.GroupTraverseDirectory;
    private const UnixFileMode File600 = PrivateFiles.OwnerOnlyFile;
    private const UnixFileMode Open755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Open777 = (UnixFileMode)0b111_111_111;
    private const UnixFileMode Open644 = (UnixFileMode)0b110_100_100;

    private const string Manifest = """
        apiVersion: coast.dev/v1alpha1
        kind: Project
        metadata:
          name: sec
          namespace: sec
        spec:
          rootDir: /srv/sec
        """;

    private readonly string _home = Path.Combine(Path.GetTempPath(), $"coast-sec-{Guid.NewGuid().ToString("N")[..8]}");
    private readonly CoastProcess _coast;
    private readonly ClusterLayout _cluster;

    public LocalAccessTests()
    {
        _coast = new CoastProcess(null, "coast", _home);
        _cluster = new ClusterLayout(Path.Combine(_home, "postgres"));
    }

    private string Daemon => Path.Combine(_home, "daemon");
    private string DbSocket => Path.Combine(_cluster.SocketDir, $".s.PGSQL.{_cluster.Port}");

    public Task InitializeAsync()
    {
        PrivateFiles.EffectiveUserId.ShouldBe(0u, "these tests run probes as `nobody` through runuser, which needs root");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _coast.RunAsync("daemon", "stop");
        await _coast.RunAsync("db", "stop");
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Only_the_owner_and_root_reach_the_embedded_database_and_the_control_socket()
    {
        Ok(await _coast.RunAsync("db", "start"));
        Ok(await _coast.RunWithInputAsync(Manifest, "apply", "-f", "-"));
        Ok(await _coast.RunAsync("daemon", "start"));
        // The controller (root) connects and reconciles: the project becomes Ready.
        Ok(await _coast.RunAsync("wait", "project", "sec", "-p", "sec", "--for", "condition=Ready", "--timeout", "60s"));
        var controlSocket = await ControlSocketAsync();
        await AssertPrivateAsync(controlSocket);

        // Layer 1: modes. nobody cannot even open either socket.
        (await NobodyPsqlAsync()).ShouldContain("Permission denied");
        (await NobodyControlAsync(controlSocket)).ShouldContain("Permission denied");

        // Layer 2: with every mode loosened on purpose, authentication still refuses nobody.
        Loosen(controlSocket);
        (await NobodyPsqlAsync()).ShouldContain("Peer authentication failed");
        (await NobodyControlAsync(controlSocket)).ShouldContain("refused: uid 65534");
        (await _coast.RunAsync("get", "checkout", "sec", "-p", "sec")).ExitCode.ShouldBe(4, "nobody's checkout request must write nothing");

        // The next command as root narrows everything again.
        Ok(await _coast.RunAsync("get", "projects", "-A"));
        await AssertPrivateAsync(controlSocket);
        (await NobodyPsqlAsync()).ShouldContain("Permission denied");
    }

    [Fact]
    public async Task A_home_and_cluster_left_open_by_an_earlier_version_are_closed_on_the_next_start()
    {
        Ok(await _coast.RunAsync("db", "start"));
        // What earlier versions left: trust for every local connection, a world-reachable socket, 0755/0644.
        var data = _cluster.DataDir;
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), "local all all trust\n");
        var auto = Path.Combine(data, "postgresql.auto.conf");
        await File.WriteAllLinesAsync(auto, (await File.ReadAllLinesAsync(auto)).Where(l => !l.StartsWith("unix_socket_permissions")));
        await ReloadAsync();
        Directory.CreateDirectory(Daemon);
        var oldLog = Path.Combine(Daemon, "controller-0123456789ab.log");
        var oldPid = Path.Combine(Daemon, "controller-0123456789ab.pid");
        await File.WriteAllTextAsync(oldLog, "secret names and paths\n");
        await File.WriteAllTextAsync(oldPid, "1\n");
        File.SetUnixFileMode(oldLog, Open644);
        File.SetUnixFileMode(oldPid, Open644);
        Loosen(controlSocket: null);
        // The probe really gets in to such a cluster (so its refusals below mean something).
        await PollAsync(async () => (await NobodyPsqlAsync()).Trim() == "ok", "nobody connects to the degraded cluster");

        Ok(await _coast.RunAsync("get", "projects", "-A"));

        await AssertPrivateAsync(controlSocket: null);
        File.GetUnixFileMode(oldLog).ShouldBe(File600);
        File.GetUnixFileMode(oldPid).ShouldBe(File600);
        (await File.ReadAllTextAsync(Path.Combine(data, "pg_hba.conf"))).ShouldBe(ClusterAccess.HbaText);
        (await File.ReadAllTextAsync(auto)).ShouldContain("unix_socket_permissions = 0700");
        (await NobodyPsqlAsync()).ShouldContain("Permission denied");
        // The running server re-read its rules: even through loosened modes, peer authentication refuses.
        Loosen(controlSocket: null);
        await PollAsync(async () => (await NobodyPsqlAsync()).Contains("Peer authentication failed"), "the server reloads pg_hba.conf");
        Ok(await _coast.RunAsync("get", "projects", "-A"));
    }

    private async Task AssertPrivateAsync(string? controlSocket)
    {
        File.GetUnixFileMode(_home).ShouldBe(Dir710, "the home holds the cluster, so postgres may pass through it");
        (await OwnerAsync(_home)).ShouldBe("root:postgres");
        File.GetUnixFileMode(_cluster.BaseDir).ShouldBe(Dir700);
        (await OwnerAsync(_cluster.BaseDir)).ShouldBe("postgres:postgres");
        File.GetUnixFileMode(_cluster.SocketDir).ShouldBe(Dir700);
        File.GetUnixFileMode(DbSocket).ShouldBe(ClusterAccess.SocketMode);
        File.GetUnixFileMode(_cluster.LogFile).ShouldBe(File600);
        (await File.ReadAllTextAsync(Path.Combine(_cluster.DataDir, "pg_hba.conf"))).ShouldContain("peer map=coast");
        if (!Directory.Exists(Daemon)) return;
        File.GetUnixFileMode(Daemon).ShouldBe(Dir700);
        foreach (var f in Directory.GetFiles(Daemon)) File.GetUnixFileMode(f).ShouldBe(File600, f);
        if (controlSocket is not null) File.GetUnixFileMode(controlSocket).ShouldBe(File600);
    }

    private void Loosen(string? controlSocket)
    {
        foreach (var d in new[] { _home, _cluster.BaseDir, _cluster.SocketDir, Daemon }.Where(Directory.Exists)) File.SetUnixFileMode(d, Open755);
        File.SetUnixFileMode(DbSocket, Open777);
        if (controlSocket is not null) File.SetUnixFileMode(controlSocket, Open777);
    }

    private async Task<string> ControlSocketAsync()
    {
        var status = await _coast.RunAsync("daemon", "status");
        Ok(status);
        var path = status.Out.Split('\n').Single(l => l.StartsWith("socket: "))["socket: ".Length..].Trim();
        await PollAsync(() => Task.FromResult(File.Exists(path)), "the controller binds its control socket");
        return path;
    }

    /// <summary>psql as nobody; "ok" when it connected and read, else its error output.</summary>
    private async Task<string> NobodyPsqlAsync()
    {
        var r = await AsNobodyAsync(["psql", "-h", _cluster.SocketDir, "-p", _cluster.Port.ToString(), "-U", ClusterLayout.User, "-d", "coast",
            "-Atc", "select 'ok' from pg_namespace limit 1"]);
        return r.ExitCode == 0 ? r.StandardOutput : r.StandardError;
    }

    /// <summary>A checkout request to the control socket as nobody: the answer, or socat's error.</summary>
    private async Task<string> NobodyControlAsync(string socket)
    {
        var r = await AsNobodyAsync(["socat", "-t", "10", "-", $"UNIX-CONNECT:{socket}"],
            """{"op":"checkout","project":"sec","instance":null,"timeoutSeconds":1}""" + "\n");
        return r.StandardOutput + r.StandardError;
    }

    private static Task<ProcessResult> AsNobodyAsync(IReadOnlyList<string> command, string? stdin = null) =>
        ProcessRunner.RunAsync("runuser", ["-u", "nobody", "--", .. command], TimeSpan.FromSeconds(30), workingDirectory: "/", stdin: stdin);

    private static async Task<string> OwnerAsync(string path) =>
        (await ProcessRunner.RunAsync("stat", ["-c", "%U:%G", path])).StandardOutput.Trim();

    private async Task ReloadAsync()
    {
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(_cluster.DataDir, "postmaster.pid")))[0]);
        Process.GetProcessById(pid).ProcessName.ShouldStartWith("postgres");
        (await ProcessRunner.RunAsync("kill", ["-HUP", pid.ToString()])).ExitCode.ShouldBe(0);
    }

    private static async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    private static void Ok(CliResult r) => r.ExitCode.ShouldBe(0, r.ToString());
}
