using Coast.Client.Database;

namespace Coast.Bench;

/// <summary>COAST_DATABASE_URL, or a private throwaway cluster for the run.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private PostgresCluster? _cluster;
    private string? _dir;
    public string ConnectionString { get; private set; } = "";

    public static async Task<BenchDatabase> StartAsync()
    {
        var db = new BenchDatabase();
        if (DatabaseLocator.External() is { } external)
        {
            db.ConnectionString = external;
            return db;
        }
        db._dir = Path.Combine("/tmp", $"coast-bench-{Environment.ProcessId}");
        db._cluster = new PostgresCluster(new ClusterLayout(db._dir));
        await db._cluster.StartAsync();
        db.ConnectionString = await db._cluster.EnsureDatabaseAsync("bench");
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_cluster is null) return;
        await _cluster.StopAsync();
        Directory.Delete(_dir!, recursive: true);
    }
}
