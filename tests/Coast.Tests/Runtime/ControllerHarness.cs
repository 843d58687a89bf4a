using Coast.ApiTypes.Kinds;
using Coast.Controller.Instances;
using Coast.Controller.Reconcilers;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Coast.Client.Store;

namespace Coast.Tests.Runtime;

/// <summary>A real controller host on a real store, with a scriptable Instance reconciler and finalizer.</summary>
public sealed class ControllerHarness : IAsyncDisposable
{
    private readonly IHost _host;

    public ControllerHarness(CoastStore store, ScriptedInstanceReconciler reconciler, RecordingFinalizer? finalizer = null,
        TimeSpan? resync = null, BuildRetention? retention = null, TimeSpan? gcPeriod = null, TimeSpan? backoffBase = null, TimeProvider? clock = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(store.Resources);
        builder.Services.AddSingleton(store.Events);
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        builder.Services.AddSingleton(reconciler);
        builder.Services.AddSingleton<Coast.Controller.Ports.CanonicalPortBinder>();
        builder.Services.AddSingleton(retention ?? new BuildRetention());
        builder.Services.AddSingleton<BuildPruner>();
        // The same owners and watches as CoastControllerHost, minus what needs Docker (Build reconciler and finalizer).
        var controller = builder.Services.AddCoastController(o => o with
            {
                ResyncPeriod = resync ?? TimeSpan.FromMinutes(10),
                BackoffBase = backoffBase ?? TimeSpan.FromMilliseconds(50),
                GarbageCollectionPeriod = gcPeriod ?? TimeSpan.FromSeconds(1),
            })
            .AddReconciler<Instance, ScriptedInstanceReconciler>()
                .OwnedBy(Project.KindName, i => i.Spec.Project)
                .Watches(Build.KindName, InstanceWatches.MapBuildToInstances)
                .Watches(Project.KindName, InstanceWatches.MapProjectToInstances)
            .AddReconciler<Project, ProjectReconciler>()
                .DeletesDependents().Owns(Build.KindName).Owns(Instance.KindName).Owns(Checkout.KindName)
            .AddReconciler<Checkout, CheckoutReconciler>()
                .OwnedBy(Project.KindName, c => c.Spec.Project)
                .Watches(Instance.KindName, CheckoutWatches.MapInstanceToCheckouts);
        if (finalizer is not null)
        {
            builder.Services.AddSingleton(finalizer);
            controller.AddFinalizer<Instance, RecordingFinalizer>();
        }
        builder.Services.Replace(ServiceDescriptor.Singleton<IReconciler<Instance>>(reconciler));
        if (finalizer is not null) builder.Services.Replace(ServiceDescriptor.Singleton<IFinalizer<Instance>>(finalizer));
        _host = builder.Build();
        Monitor = _host.Services.GetRequiredService<ReconcileMonitor>();
    }

    public ReconcileMonitor Monitor { get; }

    public Task StartAsync() => _host.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>An Instance reconciler whose behaviour each test scripts; it records every call.</summary>
public sealed class ScriptedInstanceReconciler : IReconciler<Instance>
{
    public Func<Instance, int, Task<ReconcileResult>> Behaviour { get; set; } = (_, _) => Task.FromResult(ReconcileResult.Done);
    public int Calls => _calls;
    private int _calls;

    public Task<ReconcileResult> ReconcileAsync(Instance resource, CancellationToken ct) =>
        Behaviour(resource, Interlocked.Increment(ref _calls));
}

public sealed class RecordingFinalizer : IFinalizer<Instance>
{
    public string Name => "coast.dev/test-cleanup";
    public TaskCompletionSource<string> Finalized { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, finalizing waits for it (a cleanup that takes a while).</summary>
    public Task? Gate { get; set; }

    public async Task<FinalizeResult> FinalizeAsync(Instance resource, CancellationToken ct)
    {
        if (Gate is not null) await Gate.WaitAsync(ct);
        Finalized.TrySetResult(resource.Metadata.Name);
        return FinalizeResult.Done;
    }
}
