using Coast.ApiTypes.Kinds;
using Coast.Controller.Reconcilers;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Coast.Tests.Runtime;

/// <summary>A real controller host on a real store, with a scriptable Instance reconciler and finalizer.</summary>
public sealed class ControllerHarness : IAsyncDisposable
{
    private readonly IHost _host;

    public ControllerHarness(CoastStore store, ScriptedInstanceReconciler reconciler, RecordingFinalizer? finalizer = null,
        TimeSpan? resync = null, TimeSpan? backoffBase = null, TimeProvider? clock = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(store.Resources);
        builder.Services.AddSingleton(store.Events);
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        builder.Services.AddSingleton(reconciler);
        builder.Services.AddSingleton<Coast.Controller.Ports.CanonicalPortBinder>();
        var controller = builder.Services.AddCoastController(o => o with
            {
                ResyncPeriod = resync ?? TimeSpan.FromMinutes(10),
                BackoffBase = backoffBase ?? TimeSpan.FromMilliseconds(50),
                GarbageCollectionPeriod = TimeSpan.FromSeconds(1),
            })
            .AddReconciler<Instance, ScriptedInstanceReconciler>()
            .AddReconciler<Project, ProjectReconciler>()
            .AddReconciler<Checkout, CheckoutReconciler>();
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

    public Task FinalizeAsync(Instance resource, CancellationToken ct)
    {
        Finalized.TrySetResult(resource.Metadata.Name);
        return Task.CompletedTask;
    }
}
