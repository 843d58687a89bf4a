using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker.Images;
using Coast.Controller.Instances.BareServices;
using Coast.Controller.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Coast.Controller.SharedServices;

/// <summary>The SharedService reconciler and finalizer, its watches both ways with instances, and its env for bare services.</summary>
public static class SharedServiceRegistration
{
    public static ControllerBuilder AddSharedServices(this ControllerBuilder builder)
    {
        builder.Services.AddSingleton<IServiceEnvironment, SharedServiceEnvironment>();
        builder.Services.AddSingleton<IBuiltInImages, BuiltInImages>();
        builder.Services.AddSingleton<IWakeSource, SharedServiceEventWakeSource>();
        builder.AddReconciler<SharedService, SharedServiceReconciler>()
            .OwnedBy(Project.KindName, s => s.Spec.Project)
            .AddFinalizer<SharedServiceFinalizer>()
            .Watches(Instance.KindName, SharedServiceWatches.MapInstanceToSharedServices);
        new ReconcilerBuilder<Instance>(builder).Watches(SharedService.KindName, SharedServiceWatches.MapSharedServiceToInstances);
        new ReconcilerBuilder<Project>(builder).Owns(SharedService.KindName);
        return builder;
    }
}
