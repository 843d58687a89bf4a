using System.Net;
using System.Reflection;
using Coast.Controller.Ports;
using Coast.RemoteAgent.Api;
using Coast.RemoteAgent.Reconcile;
using Coast.RemoteAgent.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coast.RemoteAgent;

/// <summary>Composes the agent: Kestrel on 127.0.0.1 only, the SQLite store, the API and the reconcile loop.</summary>
public static class AgentHost
{
    public static string Version { get; } =
        typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static WebApplication Build(AgentOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Loopback only: the agent is reached through the controller's SSH connection, never from the network.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            // Image loads and workspace uploads are streams of hundreds of megabytes: no body limit (loopback only).
            k.Limits.MaxRequestBodySize = null;
        });
        Directory.CreateDirectory(options.Home);
        File.SetUnixFileMode(options.Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => new AgentStore(options.DatabasePath));
        builder.Services.AddSingleton<PortAllocator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Coast.Controller.Docker.IContainerEngine, Coast.Controller.Docker.DockerContainerEngine>();
        builder.Services.AddSingleton<Coast.RemoteAgent.Runtime.RemoteDind>();
        builder.Services.AddSingleton<Coast.RemoteAgent.Runtime.RemoteNetworks>();
        builder.Services.AddSingleton<SharedBindPorts>();
        builder.Services.AddSingleton<Coast.RemoteAgent.Runtime.InjectedValuesCache>();
        builder.Services.AddSingleton<AgentReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentReconciler>());
        var app = builder.Build();
        app.MapInstanceEndpoints(options);
        app.MapImageEndpoints();
        app.MapShellEndpoints();
        return app;
    }

    /// <summary>The port Kestrel bound (useful with --port 0).</summary>
    public static int BoundPort(WebApplication app) =>
        new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
}
