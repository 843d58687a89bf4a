using Coast.ApiTypes.Kinds;
using Coast.Controller.Control;
using Coast.Controller.GitOps;
using Coast.Controller.Instances;
using Coast.Controller.Reconcilers;
using Coast.Controller.Remote;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Runtime;
using Coast.Controller.SharedServices;
using Coast.Controller.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Coast.Client.Store;
using Coast.Client.Control;

namespace Coast.Controller.Hosting;

/// <summary>Composes the controller process (`coast controller`): store, leader election, reconcilers.</summary>
public static class CoastControllerHost
{
    public static IHost Build(string connectionString, string schema = "coast",
        Func<ControllerOptions, ControllerOptions>? configure = null, Action<ILoggingBuilder>? logging = null, string? controlSocket = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        logging?.Invoke(builder.Logging);

        var store = CoastStore.OpenAsync(connectionString, schema).GetAwaiter().GetResult();
        var services = builder.Services;
        services.AddSingleton(store);
        services.AddSingleton(store.Resources);
        services.AddSingleton(store.Events);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PostgresLeaderElector(connectionString, $"coast-controller:{schema}",
            sp.GetRequiredService<ILogger<PostgresLeaderElector>>()));
        services.AddSingleton<ILeaderElector>(sp => sp.GetRequiredService<PostgresLeaderElector>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PostgresLeaderElector>());

        services.AddSingleton(new ControlSocketOptions(controlSocket));
        services.AddHostedService<ControlServer>();
        services.AddCoastLocalInstances();
        services.AddCoastSecrets();
        services.AddCoastVolumes();
        services.AddSingleton(BuildRetention.FromEnvironment());
        services.AddSingleton<BuildPruner>();
        services.AddSingleton(GitSourceOptions.FromCoastHome());
        services.AddSingleton(AgentDistribution.FromEnvironment());
        // Every child names its Project as owner; a project's deletion waits for all of them (and what they created).
        services.AddCoastController(configure)
            .AddReconciler<Project, ProjectReconciler>()
                .DeletesDependents().Owns(Coast.ApiTypes.Kinds.Build.KindName).Owns(Instance.KindName).Owns(Checkout.KindName)
            .AddReconciler<Build, BuildReconciler>()
                .OwnedBy(Project.KindName, b => b.Spec.Project).AddFinalizer<BuildFinalizer>()
                .Watches(Project.KindName, BuildWatches.MapProjectToBuilds)
                .Watches(Instance.KindName, BuildWatches.MapInstanceToDeletingBuilds)
            .AddReconciler<Instance, InstanceReconciler>()
                .OwnedBy(Project.KindName, i => i.Spec.Project).AddFinalizer<InstanceFinalizer>()
                .Watches(Coast.ApiTypes.Kinds.Build.KindName, InstanceWatches.MapBuildToInstances)
                .Watches(Project.KindName, InstanceWatches.MapProjectToInstances)
                .Owns(Tunnel.KindName).Owns(SyncSession.KindName)
                .Watches(Secret.KindName, Instances.Injection.SecretWatches.MapSecretToInstances)
            .AddReconciler<Checkout, CheckoutReconciler>()
                .OwnedBy(Project.KindName, c => c.Spec.Project).AddFinalizer<CheckoutReconciler>()
                .Watches(Instance.KindName, CheckoutWatches.MapInstanceToCheckouts)
            .AddReconciler<RemoteHost, RemoteHostReconciler>()
            .AddFinalizer<RemoteHost, RemoteHostReconciler>()
            .AddRemoteTunnelsAndSync()
            .AddSharedServices()
            .AddReconciler<GitSource, GitSourceReconciler>()
                .AddFinalizer<GitSourceFinalizer>()
            .AddReconciler<Secret, Secrets.SecretReconciler>()
                .OwnedBy(Project.KindName, s => s.Spec.Project);
        return builder.Build();
    }
}
