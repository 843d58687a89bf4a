using Coast.Controller.Database;
using Coast.Controller.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// Opens the Marten store on first use: COAST_DATABASE_URL, or the embedded cluster (started if needed).
/// COAST_SCHEMA picks the schema (default "coast"), which keeps test runs apart.
/// </summary>
public sealed class StoreConnector : IStoreConnector, IDisposable
{
    private CoastStore? _store;

    public static string Schema => Environment.GetEnvironmentVariable("COAST_SCHEMA") is { Length: > 0 } s ? s : "coast";

    public async Task<IResourceStore> StoreAsync(CancellationToken ct) => (await OpenAsync(ct)).Resources;
    public async Task<IEventRecorder> EventsAsync(CancellationToken ct) => (await OpenAsync(ct)).Events;

    private async Task<CoastStore> OpenAsync(CancellationToken ct)
    {
        if (_store is not null) return _store;
        string connectionString;
        try
        {
            connectionString = await DatabaseLocator.ResolveAsync(ct);
        }
        catch (Exception e) when (e is PostgresUnavailableException or Controller.Processes.ProcessFailedException)
        {
            throw new CliException($"cannot start the embedded database: {e.Message}. Run `coast db status` for details, or set COAST_DATABASE_URL.");
        }
        return _store = await CoastStore.OpenAsync(connectionString, Schema, ct);
    }

    public void Dispose() => _store?.Dispose();
}
