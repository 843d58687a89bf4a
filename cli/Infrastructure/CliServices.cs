using Coast.Controller.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>What commands need from the outside world; one instance per process.</summary>
public sealed class CliServices(IStoreConnector connector, TextWriter output, TextWriter error)
{
    public IStoreConnector Connector { get; } = connector;
    public TextWriter Out { get; } = output;
    public TextWriter Err { get; } = error;

    public Task<IResourceStore> StoreAsync(CancellationToken ct) => Connector.StoreAsync(ct);
    public Task<IEventRecorder> EventsAsync(CancellationToken ct) => Connector.EventsAsync(ct);
}

/// <summary>Opens the store (resolving and, when needed, starting the embedded database) on first use.</summary>
public interface IStoreConnector
{
    Task<IResourceStore> StoreAsync(CancellationToken ct);
    Task<IEventRecorder> EventsAsync(CancellationToken ct);
}
