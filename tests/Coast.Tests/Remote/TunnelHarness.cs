using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Coast.Client.Store;

namespace Coast.Tests.Remote;

/// <summary>A controller with the RemoteHost, Tunnel and SyncSession reconcilers on a real store; restartable.</summary>
public sealed class TunnelHarness(RemoteHostFixture fixture, PostgresFixture pg) : IAsyncDisposable
{
    private readonly string _schema = pg.NewSchema();
    private IHost? _host;

    public CoastStore Store { get; private set; } = null!;

    /// <summary>The controller's known_hosts files (removed with the harness).</summary>
    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "coast-sync-state-" + Guid.NewGuid().ToString("N")[..8]);

    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("the controller is stopped");

    public static async Task<TunnelHarness> StartAsync(RemoteHostFixture fixture, PostgresFixture pg)
    {
        var h = new TunnelHarness(fixture, pg);
        h.Store = await CoastStore.OpenAsync(pg.ConnectionString, h._schema);
        await h.StartControllerAsync();
        return h;
    }

    public async Task StartControllerAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(Store.Resources);
        builder.Services.AddSingleton(Store.Events);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RemoteHostConnections>();
        builder.Services.AddSingleton(new Coast.Controller.Remote.Sync.SyncOptions(StateDirectory));
        builder.Services.AddCoastController(o => o with { BackoffBase = TimeSpan.FromMilliseconds(200), BackoffMax = TimeSpan.FromSeconds(2) })
            .AddReconciler<RemoteHost, RemoteHostReconciler>()
            .AddFinalizer<RemoteHost, RemoteHostReconciler>()
            .AddRemoteTunnelsAndSync();
        _host = builder.Build();
        await _host.StartAsync();
    }

    /// <summary>Stops the controller and closes everything it held (connections, forwards, watchers).</summary>
    public async Task StopControllerAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        if (_host is IAsyncDisposable d) await d.DisposeAsync(); else _host.Dispose();
        _host = null;
    }

    public Task DeclareHostAsync(string name = "th") => Store.Resources.CreateAsync(new RemoteHost
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new RemoteHostSpec
        {
            Host = fixture.Host.Address, Port = fixture.Host.Port, User = fixture.Host.User,
            IdentityFile = fixture.Host.KeyPath, HostKey = fixture.Pin.Value,
        },
    });

    public async Task<T> UntilAsync<T>(ResourceKey key, Func<T, bool> done, TimeSpan? timeout = null) where T : Resource
    {
        T? last = null;
        var found = await Poll.ValueAsync(async () =>
        {
            last = await Store.Resources.GetAsync(key) as T;
            return last is not null && done(last) ? last : null;
        }, timeout ?? TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(100));
        return found ?? throw new ShouldAssertException($"{key} did not get there; last status: "
            + (last is null ? "missing" : Coast.ApiTypes.Serialization.ResourceJson.Serialize(last)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var kind in new[] { Tunnel.KindName, SyncSession.KindName, RemoteHost.KindName })
                foreach (var r in await Store.Resources.ListAsync(kind))
                    await Store.Resources.DeleteAsync(r.Key);
            await Poll.UntilAsync(async () => (await Store.Resources.ListAsync(Tunnel.KindName)).Count == 0
                && (await Store.Resources.ListAsync(SyncSession.KindName)).Count == 0
                && (await Store.Resources.ListAsync(RemoteHost.KindName)).Count == 0, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await StopControllerAsync();
            Store.Dispose();
            if (Directory.Exists(StateDirectory)) Directory.Delete(StateDirectory, true);
            await pg.DropSchemaAsync(_schema);
        }
    }
}
