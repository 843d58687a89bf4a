using System.Collections.Concurrent;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker;

namespace Coast.Controller.SharedServices;

/// <summary>How often a running shared service is checked, how long it may fail its check before it is restarted, and the repair backoff.</summary>
public sealed record SharedServiceHealthSettings(TimeSpan Period, TimeSpan Grace, TimeSpan RepairBase, TimeSpan RepairMax)
{
    public static SharedServiceHealthSettings Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
}

/// <summary>
/// The service's own check, run inside its container (Postgres answers a query, Redis answers PING; other images
/// have none and are judged by their container state), and, per shared service, since when it has failed and how
/// often it was restarted for it: a restart waits for <see cref="SharedServiceHealthSettings.Grace"/> of failing
/// and then for a delay doubling from RepairBase to RepairMax; a passing check resets both. In memory: a restarted
/// controller gives a failing service its grace again.
/// </summary>
public sealed class SharedServiceHealth(SharedServiceHealthSettings settings)
{
    private readonly ConcurrentDictionary<ResourceKey, (DateTimeOffset FailingSince, int Repairs, DateTimeOffset NextRepair)> _failing = new();

    public SharedServiceHealthSettings Settings => settings;

    /// <summary>Null when the service answers its check, else what failed, in words.</summary>
    public static async Task<string?> ProblemAsync(IContainerEngine engine, string container, SharedServiceSpec spec, CancellationToken ct)
    {
        if (SharedServicePlan.IsPostgres(spec))
        {
            var r = await engine.ExecAsync(container, ["psql", "-U", SharedServiceDatabases.User(spec), "-d", "postgres", "-tAc", "select 1"], null, ct);
            return r.ExitCode == 0 ? null : $"Postgres does not answer a query (psql exit {r.ExitCode}: {LastLine(r)})";
        }
        if (SharedServicePlan.IsRedis(spec))
        {
            var port = SharedServicePlan.ServicePort(spec);
            var r = await engine.ExecAsync(container, ["redis-cli", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "ping"], null, ct);
            return r.ExitCode == 0 && !r.StandardOutput.Contains("ERR", StringComparison.Ordinal) ? null : $"Redis does not answer PING (redis-cli exit {r.ExitCode}: {LastLine(r)})";
        }
        return null;
    }

    public void Passed(ResourceKey key) => _failing.TryRemove(key, out _);

    /// <summary>Records a failed check; true when the service should be restarted now (and counts that restart).</summary>
    public bool FailedAndRepairDue(ResourceKey key, DateTimeOffset now, out int repairs)
    {
        var state = _failing.GetOrAdd(key, _ => (now, 0, now + settings.Grace));
        repairs = state.Repairs;
        if (now < state.NextRepair) return false;
        var delay = TimeSpan.FromTicks(Math.Min(settings.RepairMax.Ticks, settings.RepairBase.Ticks * (1L << Math.Min(state.Repairs, 20))));
        repairs = state.Repairs + 1;
        _failing[key] = (state.FailingSince, repairs, now + settings.Grace + delay);
        return true;
    }

    private static string LastLine(ExecResult r) =>
        (r.StandardError + r.StandardOutput).Trim().Split('\n').LastOrDefault()?.Trim() is { Length: > 0 } l ? l : "no output";
}
