using Coast.Client.Processes;
using Npgsql;

namespace Coast.Client.Database;

/// <summary>
/// A private PostgreSQL cluster that Coast creates and runs itself: a unix socket only (no TCP listener),
/// reachable and accepted only for root and the Coast home's owner (<see cref="ClusterAccess"/>).
/// PostgreSQL refuses to run as root, so under root the server runs as the `postgres` OS user (via
/// runuser) and owns its directory.
/// </summary>
public sealed class PostgresCluster(ClusterLayout layout)
{
    private const string ServiceUser = LocalState.ServerUser;

    public ClusterLayout Layout { get; } = layout;

    public static bool RunningAsRoot => Environment.UserName == "root" || geteuid() == 0;

    public async Task EnsureInitializedAsync(CancellationToken ct = default)
    {
        if (File.Exists(Path.Combine(Layout.DataDir, "PG_VERSION"))) return;
        using var _ = await AcquireLockAsync(ct);
        if (File.Exists(Path.Combine(Layout.DataDir, "PG_VERSION"))) return;
        PrivateFiles.EnsureDirectory(Layout.DataDir);
        PrivateFiles.EnsureDirectory(Layout.SocketDir);
        await HandOverAsync(ct);
        await RunAsServerUserAsync(PostgresBinaries.Find("initdb"),
            ["-D", Layout.DataDir, "-U", ClusterLayout.User, "--auth-local=peer", "--auth-host=reject", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"], ct);
        await File.AppendAllTextAsync(Path.Combine(Layout.DataDir, "postgresql.auto.conf"), Access.ServerSettings, ct);
        File.WriteAllText(Path.Combine(Layout.DataDir, "pg_hba.conf"), ClusterAccess.HbaText);
        File.WriteAllText(Path.Combine(Layout.DataDir, "pg_ident.conf"), ClusterAccess.IdentText);
        await HandOverAsync(ct);
    }

    private ClusterAccess Access => new(Layout, ServiceUser);

    public async Task<ClusterStatus> StatusAsync(CancellationToken ct = default)
    {
        var initialized = File.Exists(Path.Combine(Layout.DataDir, "PG_VERSION"));
        if (!initialized) return new ClusterStatus(false, false, null, Layout);
        // Fast path: a live postmaster named in postmaster.pid (no subprocess on every command).
        if (LivePostmasterPid() is { } live) return new ClusterStatus(true, true, live, Layout);
        var result = await RunAsServerUserAsync(PostgresBinaries.Find("pg_ctl"), ["status", "-D", Layout.DataDir], ct, check: false);
        var running = result.ExitCode == 0;
        int? pid = null;
        var pidFile = Path.Combine(Layout.DataDir, "postmaster.pid");
        if (running && File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var p)) pid = p;
        return new ClusterStatus(true, running, pid, Layout);
    }

    /// <summary>True when the cluster exists and its postmaster is alive (no subprocess; safe to call often).</summary>
    public bool IsRunning() => File.Exists(Path.Combine(Layout.DataDir, "PG_VERSION")) && LivePostmasterPid() is not null;

    private int? LivePostmasterPid()
    {
        var pidFile = Path.Combine(Layout.DataDir, "postmaster.pid");
        try
        {
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)) return null;
            var cmdline = $"/proc/{pid}/cmdline";
            return File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("postgres") ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Initializes if needed and starts the server; a no-op when it already runs.</summary>
    /// <summary>Initializes if needed and starts the server; a no-op when it already runs. Either way the
    /// cluster's modes and auth rules are checked and repaired first (see <see cref="ClusterAccess"/>).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        await EnsureInitializedAsync(ct);
        var rulesChanged = Access.Secure();
        if ((await StatusAsync(ct)) is { Running: true } running)
        {
            if (rulesChanged && running.Pid is { } pid) ClusterAccess.Reload(pid);
            return;
        }
        using var _ = await AcquireLockAsync(ct);
        if ((await StatusAsync(ct)).Running) return;
        await RunAsServerUserAsync(PostgresBinaries.Find("pg_ctl"),
            ["start", "-D", Layout.DataDir, "-l", Layout.LogFile, "-w", "-t", "60"], ct);
        PrivateFiles.Restrict(Layout.LogFile, PrivateFiles.OwnerOnlyFile);
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!(await StatusAsync(ct)).Running) return;
        await RunAsServerUserAsync(PostgresBinaries.Find("pg_ctl"), ["stop", "-D", Layout.DataDir, "-m", "fast", "-w", "-t", "60"], ct);
    }

    /// <summary>Creates the database if it does not exist and returns its connection string.</summary>
    public async Task<string> EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        // Usually it exists: one connection to it (which the pool then reuses) answers that.
        try
        {
            await using var probe = new NpgsqlConnection(Layout.ConnectionString(database));
            await probe.OpenAsync(ct);
            return Layout.ConnectionString(database);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
        }
        await using var conn = new NpgsqlConnection(Layout.ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            // Database names cannot be bound as parameters; the name is validated to be a plain identifier.
            if (!database.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                throw new ArgumentException($"database name '{database}' must be lowercase letters, digits or '_'.");
            await using var create = new NpgsqlCommand($"create database \"{database}\"", conn);
            try { await create.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
        }
        return Layout.ConnectionString(database);
    }

    private async Task<ProcessResult> RunAsServerUserAsync(string program, IReadOnlyList<string> args, CancellationToken ct, bool check = true)
    {
        var result = RunningAsRoot
            ? await ProcessRunner.RunAsync("runuser", ["-u", ServiceUser, "--", program, .. args], TimeSpan.FromMinutes(2), ct)
            : await ProcessRunner.RunAsync(program, args, TimeSpan.FromMinutes(2), ct);
        if (check && result.ExitCode != 0)
            throw new ProcessFailedException(result.CommandLine, result.ExitCode,
                (result.StandardError + result.StandardOutput).Trim() + TailOfLog());
        return result;
    }

    private string TailOfLog() =>
        File.Exists(Layout.LogFile) ? "\n" + string.Join("\n", File.ReadLines(Layout.LogFile).TakeLast(5)) : "";

    /// <summary>Under root, the server user must own the cluster directory (and be able to reach it).</summary>
    private async Task HandOverAsync(CancellationToken ct)
    {
        if (!RunningAsRoot) return;
        await ProcessRunner.RunCheckedAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", Layout.BaseDir], ct: ct);
        File.SetUnixFileMode(Layout.DataDir, PrivateFiles.OwnerOnlyDirectory);
    }

    /// <summary>Serialises init/start between concurrent coast processes on one machine.</summary>
    private async Task<IDisposable> AcquireLockAsync(CancellationToken ct)
    {
        PrivateFiles.EnsureDirectory(Layout.BaseDir);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                return new FileStream(Layout.LockFile, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = PrivateFiles.OwnerOnlyFile,
                });
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
