using Coast.ApiTypes.Serialization;
using Coast.Client.Database;
using Coast.Client.Processes;
using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// Opens the store on first use: COAST_DATABASE_URL, or the embedded cluster (started if needed).
/// COAST_SCHEMA picks the schema (default "coast"), which keeps test runs apart. Resources and events are
/// read and written with plain SQL (the client assembly); when the schema is missing or older than this
/// client, `coastd schema ensure` creates or migrates it with Marten first (once).
/// </summary>
public sealed class StoreConnector : IStoreConnector, IDisposable
{
    private readonly Lazy<Task<SqlStore>> _store;
    private string? _connectionString;

    public StoreConnector() =>
        _store = new(() => OpenAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Schema => DatabaseLocator.Schema;

    public async Task<IResourceStore> StoreAsync(CancellationToken ct) => (await _store.Value.WaitAsync(ct)).Resources;

    public async Task<IEventReader> EventsAsync(CancellationToken ct) => (await _store.Value.WaitAsync(ct)).Events;

    /// <summary>
    /// Opens the store on another core while the command line is parsed, when the database is already up
    /// (a warm-up never starts it). Also primes JSON reading. Errors surface where the store is used.
    /// </summary>
    public void WarmUp()
    {
        if (DatabaseLocator.External() is null && !new PostgresCluster(DatabaseLocator.EmbeddedLayout).IsRunning()) return;
        _ = Task.Run(() => _store.Value);
        _ = Task.Run(() => ResourceJson.Serialize(ResourceJson.Deserialize(
            """{"apiVersion":"coast.dev/v1alpha1","kind":"Instance","metadata":{"name":"warm-up"}}""")));
    }

    private async Task<SqlStore> OpenAsync(CancellationToken ct) =>
        await SqlStore.OpenAsync(await ConnectionStringAsync(ct), Schema, EnsureSchemaAsync, ct);

    /// <summary>Marten lives in the controller: coastd creates or migrates the schema (its output goes to stderr).</summary>
    private static async Task EnsureSchemaAsync(CancellationToken ct)
    {
        var exit = await Coastd.RunAsync(["schema", "ensure"], line => Console.Error.WriteLine(line), ct);
        if (exit != 0) throw new CliException($"could not create or migrate the store schema '{Schema}' (`coastd schema ensure` exited {exit}).");
    }

    private async Task<string> ConnectionStringAsync(CancellationToken ct)
    {
        if (_connectionString is not null) return _connectionString;
        string connectionString;
        try
        {
            connectionString = await DatabaseLocator.ResolveAsync(ct);
        }
        catch (Exception e) when (e is PostgresUnavailableException or ProcessFailedException)
        {
            throw new CliException($"cannot start the embedded database: {e.Message}. Run `coast db status` for details, or set COAST_DATABASE_URL.");
        }
        return _connectionString = connectionString;
    }

    public void Dispose() { }
}
