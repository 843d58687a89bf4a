using Coast.Controller.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>Opens the Marten store on the configured or embedded database.</summary>
public sealed class StoreConnector : IStoreConnector
{
    public Task<IResourceStore> StoreAsync(CancellationToken ct) => throw new NotImplementedException("store arrives with the store branch");
    public Task<IEventRecorder> EventsAsync(CancellationToken ct) => throw new NotImplementedException("store arrives with the store branch");
}
