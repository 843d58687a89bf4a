using Coast.ApiTypes.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Coast.Controller.Runtime;

/// <summary>Registration that reads like a sentence: AddCoastController().AddReconciler&lt;Instance, InstanceReconciler&gt;().Watches(...).</summary>
public sealed class ControllerBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Adds the reconcile loop of one kind; the returned builder declares its watches and owner.</summary>
    public ReconcilerBuilder<TResource> AddReconciler<TResource, TReconciler>()
        where TResource : Resource
        where TReconciler : class, IReconciler<TResource>
    {
        Services.AddSingleton<IReconciler<TResource>, TReconciler>();
        Services.TryAddSingleton<FinalizerRunner<TResource>>();
        Services.TryAddSingleton<OwnerAdoption<TResource>>();
        Services.AddSingleton<IHostedService, ResourceController<TResource>>();
        return new ReconcilerBuilder<TResource>(this);
    }

    public ControllerBuilder AddFinalizer<TResource, TFinalizer>()
        where TResource : Resource
        where TFinalizer : class, IFinalizer<TResource>
    {
        Services.AddSingleton<IFinalizer<TResource>, TFinalizer>();
        return this;
    }
}

public static class ControllerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the reconcile runtime: options, monitor and the garbage collector. The caller registers
    /// IResourceStore, IEventRecorder and ILeaderElector (AlwaysLeader when none is registered).
    /// </summary>
    public static ControllerBuilder AddCoastController(this IServiceCollection services, Func<ControllerOptions, ControllerOptions>? configure = null)
    {
        services.AddSingleton(configure?.Invoke(new ControllerOptions()) ?? new ControllerOptions());
        services.TryAddSingleton<ReconcileMonitor>();
        services.TryAddSingleton<ILeaderElector, AlwaysLeader>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IHostedService, GarbageCollector>();
        return new ControllerBuilder(services);
    }
}
