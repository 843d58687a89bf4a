using System.Collections.Concurrent;
using System.Diagnostics;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Coast.Client.Store;

namespace Coast.Bench;

/// <summary>
/// Reconcile engine throughput and wake latency with a no-op reconciler (it only records
/// observedGeneration). Baselines in the same run: a bare Postgres NOTIFY round trip (the floor of
/// wake latency) and bare store creates of the same resources (the floor of throughput).
/// </summary>
internal static class ReconcileBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length >= 2 && args[0] == "--count" ? int.Parse(args[1]) : 1000;
        await using var db = await BenchDatabase.StartAsync();
        var notifyFloor = await NotifyRoundTripAsync(db.ConnectionString, 200);

        var schema = $"bench_{Environment.ProcessId}";
        using var coast = await CoastStore.OpenAsync(db.ConnectionString, schema);
        var storeFloor = await BareCreatesAsync(db.ConnectionString, $"{schema}_floor", count);

        var committed = new ConcurrentDictionary<ResourceKey, long>();
        var started = new ConcurrentDictionary<ResourceKey, long>();
        var reconciler = new ObservingReconciler(coast.Resources);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(coast.Resources).AddSingleton(coast.Events).AddSingleton<IReconciler<Instance>>(reconciler);
        builder.Services.AddCoastController(o => o with { Parallelism = 8 }).AddReconciler<Instance, ObservingReconciler>();
        builder.Services.AddSingleton<IReconciler<Instance>>(reconciler);
        using var host = builder.Build();
        var monitor = host.Services.GetRequiredService<ReconcileMonitor>();
        monitor.ReconcileStarted += key => started.TryAdd(key, Stopwatch.GetTimestamp());
        await host.StartAsync();
        await Task.Delay(1000); // let the controller list (empty) and LISTEN before the clock starts

        // Paced phase: one write at a time, so the number is the wake path (NOTIFY -> queue -> reconcile), not queueing.
        var paced = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var r = Instance($"p-{i}");
            var at = Stopwatch.GetTimestamp(); // before the write: an upper bound that includes the commit itself
            await coast.Resources.CreateAsync(r);
            while (!started.ContainsKey(r.Key) && Stopwatch.GetElapsedTime(at) < TimeSpan.FromSeconds(5)) await Task.Delay(1);
            if (started.TryGetValue(r.Key, out var s)) paced.Add(Math.Max(0, Stopwatch.GetElapsedTime(at, s).TotalMilliseconds));
            await Task.Delay(10);
        }
        while (reconciler.Observed < 200) await Task.Delay(10);
        reconciler.Reset();

        var total = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var r = Instance($"i-{i}");
            await coast.Resources.CreateAsync(r, ct);
            committed[r.Key] = Stopwatch.GetTimestamp();
        });
        var applied = total.Elapsed;
        while (reconciler.Observed < count && total.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(20);
        var converged = total.Elapsed;
        await host.StopAsync();

        // From the writer seeing its commit to the reconcile starting; a reconcile that started before the
        // writer got its reply counts as 0 ms (NOTIFY is delivered at commit).
        var w = committed.Where(c => started.ContainsKey(c.Key))
            .Select(c => Math.Max(0, Stopwatch.GetElapsedTime(c.Value, started[c.Key]).TotalMilliseconds)).ToList();
        Console.WriteLine($"reconcile benchmark: {count} Instance resources, no-op reconciler writing observedGeneration");
        Console.WriteLine($"  baseline NOTIFY round trip        p50 {Stats.Percentile(notifyFloor, 50):F2} ms  p99 {Stats.Percentile(notifyFloor, 99):F2} ms");
        Console.WriteLine($"  wake latency write->reconcile    p50 {Stats.Percentile(paced, 50):F2} ms  p99 {Stats.Percentile(paced, 99):F2} ms  (n={paced.Count})");
        Console.WriteLine($"  wake p50 / NOTIFY p50             {Stats.Percentile(paced, 50) / Stats.Percentile(notifyFloor, 50):F1}x");
        Console.WriteLine($"  commit->reconcile during burst    p50 {Stats.Percentile(w, 50):F2} ms  p99 {Stats.Percentile(w, 99):F2} ms  (queueing included)");
        Console.WriteLine($"  baseline bare creates             {storeFloor.TotalSeconds:F2} s");
        Console.WriteLine($"  all created                       {applied.TotalSeconds:F2} s");
        Console.WriteLine($"  all observed (converged)          {converged.TotalSeconds:F2} s  ({reconciler.Observed}/{count})");
        Console.WriteLine($"  converged / bare creates          {converged.TotalSeconds / storeFloor.TotalSeconds:F2}x");
        Console.WriteLine($"  targets: wake p50 < 20 ms, all converged < 10 s");
        await using (var conn = new NpgsqlConnection(db.ConnectionString))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade; drop schema if exists {schema}_floor cascade", conn);
            await drop.ExecuteNonQueryAsync();
        }
        return reconciler.Observed >= count ? 0 : 1;
    }

    private static Instance Instance(string name) => new()
    {
        Metadata = { Name = name, Namespace = "bench" },
        Spec = { Project = "bench" },
    };

    /// <summary>The same creates into a separate schema with no controller: the cost of the store alone.</summary>
    private static async Task<TimeSpan> BareCreatesAsync(string connectionString, string schema, int count)
    {
        using var floor = await CoastStore.OpenAsync(connectionString, schema);
        var sw = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await floor.Resources.CreateAsync(Instance($"i-{i}"), ct));
        return sw.Elapsed;
    }

    private static async Task<List<double>> NotifyRoundTripAsync(string connectionString, int rounds)
    {
        await using var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        var received = new SemaphoreSlim(0);
        listener.Notification += (_, _) => received.Release();
        await using (var listen = new NpgsqlCommand("listen bench_floor", listener)) await listen.ExecuteNonQueryAsync();
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            try { while (true) await listener.WaitAsync(stop.Token); }
            catch (OperationCanceledException) { }
        });
        await using var sender = new NpgsqlConnection(connectionString);
        await sender.OpenAsync();
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await using (var notify = new NpgsqlCommand("select pg_notify('bench_floor', 'x')", sender)) await notify.ExecuteNonQueryAsync();
            await received.WaitAsync();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        await stop.CancelAsync();
        await pump;
        return times;
    }

    /// <summary>Does nothing but record that it saw the current generation.</summary>
    private sealed class ObservingReconciler(IResourceStore store) : IReconciler<Instance>
    {
        private int _observed;
        public int Observed => _observed;
        public void Reset() => Interlocked.Exchange(ref _observed, 0);

        public async Task<ReconcileResult> ReconcileAsync(Instance resource, CancellationToken ct)
        {
            if (resource.Status.ObservedGeneration == resource.Metadata.Generation) return ReconcileResult.Done;
            resource.Status.ObservedGeneration = resource.Metadata.Generation;
            await store.UpdateStatusAsync(resource, ct);
            Interlocked.Increment(ref _observed);
            return ReconcileResult.Done;
        }
    }
}
