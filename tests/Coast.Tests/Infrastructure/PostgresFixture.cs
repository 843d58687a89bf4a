using Coast.Client.Database;
using Npgsql;

namespace Coast.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for tests: COAST_TEST_DATABASE_URL when set, otherwise a private cluster started
/// in a temp dir for this test run and removed afterwards. Each test class takes its own schema.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;
    private string? _dir;
    private static int _schemaCounter;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("COAST_TEST_DATABASE_URL") is { Length: > 0 } url)
        {
            ConnectionString = DatabaseLocator.ToConnectionString(url);
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), $"coast-pg-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        _cluster = new PostgresCluster(new ClusterLayout(_dir));
        await _cluster.StartAsync();
        ConnectionString = await _cluster.EnsureDatabaseAsync("coast_test");
    }

    /// <summary>A schema name no other test class in this run uses.</summary>
    public string NewSchema() => $"t{Environment.ProcessId}_{Interlocked.Increment(ref _schemaCounter)}_{Guid.NewGuid().ToString("N")[..6]}";

    public async Task DropSchemaAsync(string schema)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"drop schema if exists \"{schema}\" cascade", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is null) return;
        try { await _cluster.StopAsync(); }
        finally { if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
