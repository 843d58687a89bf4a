using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>What commands need from the outside world; one instance per process.</summary>
public sealed class CliServices(IStoreConnector connector, TextWriter output, TextWriter error)
{
    public IStoreConnector Connector { get; } = connector;
    public TextWriter Out { get; } = output;
    public TextWriter Err { get; } = error;

    public Task<IResourceStore> StoreAsync(CancellationToken ct) => Connector.StoreAsync(ct);
    public Task<IEventReader> EventsAsync(CancellationToken ct) => Connector.EventsAsync(ct);

    /// <summary>
    /// Makes sure a controller converges what this command wrote: starts the daemon when none runs
    /// (COAST_NO_AUTOSTART=1 turns this off, e.g. when you run `coast controller` yourself).
    /// </summary>
    public async Task EnsureControllerAsync(CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("COAST_NO_AUTOSTART") == "1") return;
        var files = DaemonFiles.ForCurrentDatabase();
        if (files.RunningPid() is not null) return;
        var pid = await Daemon.StartAsync(files, ct);
        Err.WriteLine($"coast: started the controller (pid {pid}); `coast daemon status` shows it");
    }
}

/// <summary>Opens the store (resolving and, when needed, starting the embedded database) on first use.</summary>
public interface IStoreConnector
{
    Task<IResourceStore> StoreAsync(CancellationToken ct);
    Task<IEventReader> EventsAsync(CancellationToken ct);
}
