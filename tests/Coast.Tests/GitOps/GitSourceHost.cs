using Coast.ApiTypes.Kinds;
using Coast.Controller.GitOps;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Coast.Client.Store;

namespace Coast.Tests.GitOps;

/// <summary>The GitSource controller as CoastControllerHost registers it, on a real store, in-process.</summary>
public sealed class GitSourceHost : IAsyncDisposable
{
    private readonly IHost _host;

    public GitSourceHost(CoastStore store, GitSourceOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(store.Resources);
        builder.Services.AddSingleton(store.Events);
        builder.Services.AddSingleton(options);
        builder.Services.AddCoastController(o => o with { BackoffBase = TimeSpan.FromMilliseconds(50), GarbageCollectionPeriod = TimeSpan.FromSeconds(1) })
            .AddReconciler<GitSource, GitSourceReconciler>()
                .AddFinalizer<GitSourceFinalizer>();
        _host = builder.Build();
    }

    public Task StartAsync() => _host.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
