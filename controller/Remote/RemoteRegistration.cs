using Coast.ApiTypes.Kinds;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Remote.Sync;
using Coast.Controller.Remote.Tunnels;
using Coast.Controller.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coast.Controller.Remote;

/// <summary>The reconcilers of the kinds a remote instance owns (Tunnel, SyncSession), with what they share.</summary>
public static class RemoteRegistration
{
    /// <summary>Needs <see cref="RemoteHostConnections"/> registered (the one connection per host both use).</summary>
    public static ControllerBuilder AddRemoteTunnelsAndSync(this ControllerBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<TunnelSupervisor>();
        services.AddSingleton<IWakeSource>(sp => sp.GetRequiredService<TunnelSupervisor>());
        builder.AddReconciler<Tunnel, TunnelReconciler>()
            .OwnedBy(Instance.KindName, t => t.Spec.Instance)
            .AddFinalizer<TunnelReconciler>()
            .Watches(RemoteHost.KindName, RemoteHostAccess.WakesUsersOf(Tunnel.KindName, r => ((Tunnel)r).Spec.RemoteHost));
        services.TryAddSingleton<SyncSupervisor>();
        services.TryAddSingleton(SyncOptions.Default);
        services.AddSingleton<IWakeSource>(sp => sp.GetRequiredService<SyncSupervisor>());
        builder.AddReconciler<SyncSession, SyncSessionReconciler>()
            .OwnedBy(Instance.KindName, s => s.Spec.Instance)
            .AddFinalizer<SyncSessionReconciler>()
            .Watches(RemoteHost.KindName, RemoteHostAccess.WakesUsersOf(SyncSession.KindName, r => ((SyncSession)r).Spec.RemoteHost));
        return builder;
    }
}
