using Coast.ApiTypes.Remote;
using System.Text.Json;
using Coast.RemoteAgent.Api;
using Microsoft.Data.Sqlite;

namespace Coast.RemoteAgent.Store;

/// <summary>
/// The agent's own state in one SQLite file: the desired state of each remote instance with its
/// generation and observed status, and the remote dynamic ports it holds (a port belongs to at most one
/// instance service: the primary key says so). Writes are serialised; SQLite commits each one durably.
/// </summary>
public sealed class AgentStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public AgentStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("""
            pragma journal_mode = wal;
            create table if not exists instances (
              project text not null, name text not null, generation integer not null,
              spec text not null, status text not null, deleting integer not null default 0,
              primary key (project, name));
            create table if not exists ports (
              port integer primary key, project text not null, name text not null, service text not null,
              unique (project, name, service));
            """);
    }

    /// <summary>Stores the desired state; the generation grows only when the spec changed. A PUT after a
    /// DELETE request takes the instance back.</summary>
    public async Task<RemoteInstance> PutAsync(string project, string name, RemoteInstanceSpec spec)
    {
        var json = JsonSerializer.Serialize(spec, AgentJson.Default.RemoteInstanceSpec);
        await _gate.WaitAsync();
        try
        {
            var current = Read(project, name);
            if (current is null)
                Execute("insert into instances (project, name, generation, spec, status) values ($p, $n, 1, $s, $st)",
                    ("$p", project), ("$n", name), ("$s", json), ("$st", JsonSerializer.Serialize(new RemoteInstanceStatus(), AgentJson.Default.RemoteInstanceStatus)));
            else
                Execute("update instances set spec = $s, deleting = 0, generation = generation + (case when spec = $s then 0 else 1 end) where project = $p and name = $n",
                    ("$p", project), ("$n", name), ("$s", json));
            return Read(project, name)!;
        }
        finally { _gate.Release(); }
    }

    public async Task<RemoteInstance?> GetAsync(string project, string name)
    {
        await _gate.WaitAsync();
        try { return Read(project, name); }
        finally { _gate.Release(); }
    }

    public async Task<IReadOnlyList<RemoteInstance>> ListAsync()
    {
        await _gate.WaitAsync();
        try
        {
            using var cmd = Command("select project, name, generation, spec, status, deleting from instances order by project, name");
            return ReadAll(cmd);
        }
        finally { _gate.Release(); }
    }

    /// <summary>Marks the instance for removal; the reconciler removes what it made and then forgets it.</summary>
    public async Task<bool> RequestDeleteAsync(string project, string name)
    {
        await _gate.WaitAsync();
        try { return Execute("update instances set deleting = 1 where project = $p and name = $n", ("$p", project), ("$n", name)) > 0; }
        finally { _gate.Release(); }
    }

    public async Task SetStatusAsync(string project, string name, RemoteInstanceStatus status)
    {
        await _gate.WaitAsync();
        try
        {
            Execute("update instances set status = $st where project = $p and name = $n",
                ("$p", project), ("$n", name), ("$st", JsonSerializer.Serialize(status, AgentJson.Default.RemoteInstanceStatus)));
        }
        finally { _gate.Release(); }
    }

    /// <summary>Forgets the instance and releases its ports, in one transaction.</summary>
    public async Task ForgetAsync(string project, string name)
    {
        await _gate.WaitAsync();
        try
        {
            using var tx = _db.BeginTransaction();
            Execute("delete from ports where project = $p and name = $n", ("$p", project), ("$n", name));
            Execute("delete from instances where project = $p and name = $n", ("$p", project), ("$n", name));
            tx.Commit();
        }
        finally { _gate.Release(); }
    }

    /// <summary>The ports this instance holds, by service.</summary>
    public async Task<Dictionary<string, int>> PortsOfAsync(string project, string name)
    {
        await _gate.WaitAsync();
        try { return PortsUnlocked(project, name); }
        finally { _gate.Release(); }
    }

    /// <summary>Every port any instance holds (to keep allocations apart).</summary>
    public async Task<HashSet<int>> AllPortsAsync()
    {
        await _gate.WaitAsync();
        try
        {
            using var cmd = Command("select port from ports");
            using var r = cmd.ExecuteReader();
            var ports = new HashSet<int>();
            while (r.Read()) ports.Add(r.GetInt32(0));
            return ports;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Records that the service holds the port; false when another service holds it already.</summary>
    public async Task<bool> ReservePortAsync(string project, string name, string service, int port)
    {
        await _gate.WaitAsync();
        try
        {
            Execute("insert into ports (port, project, name, service) values ($port, $p, $n, $s)",
                ("$port", port), ("$p", project), ("$n", name), ("$s", service));
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) { return false; } // SQLITE_CONSTRAINT
        finally { _gate.Release(); }
    }

    /// <summary>Releases the ports of services the spec no longer has.</summary>
    public async Task ReleasePortsExceptAsync(string project, string name, IReadOnlyCollection<string> keep)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var (service, _) in PortsUnlocked(project, name).Where(p => !keep.Contains(p.Key)))
                Execute("delete from ports where project = $p and name = $n and service = $s", ("$p", project), ("$n", name), ("$s", service));
        }
        finally { _gate.Release(); }
    }

    public void Dispose()
    {
        _db.Dispose();
        _gate.Dispose();
    }

    private Dictionary<string, int> PortsUnlocked(string project, string name)
    {
        using var cmd = Command("select service, port from ports where project = $p and name = $n", ("$p", project), ("$n", name));
        using var r = cmd.ExecuteReader();
        var ports = new Dictionary<string, int>();
        while (r.Read()) ports[r.GetString(0)] = r.GetInt32(1);
        return ports;
    }

    private RemoteInstance? Read(string project, string name)
    {
        using var cmd = Command("select project, name, generation, spec, status, deleting from instances where project = $p and name = $n",
            ("$p", project), ("$n", name));
        return ReadAll(cmd).FirstOrDefault();
    }

    private static List<RemoteInstance> ReadAll(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<RemoteInstance>();
        while (r.Read())
            list.Add(new RemoteInstance
            {
                Project = r.GetString(0),
                Name = r.GetString(1),
                Generation = r.GetInt64(2),
                Spec = JsonSerializer.Deserialize(r.GetString(3), AgentJson.Default.RemoteInstanceSpec)!,
                Status = JsonSerializer.Deserialize(r.GetString(4), AgentJson.Default.RemoteInstanceStatus)!,
                Deleting = r.GetInt64(5) != 0,
            });
        return list;
    }

    private int Execute(string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(sql, args);
        return cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return cmd;
    }
}
