using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;

namespace Coast.Controller.Instances.BareServices;

/// <summary>
/// The bare-service part of an instance's reconcile: the supervisor inside runs exactly the project's
/// [services] (with their env), a pending `coast restart-services` request (the
/// <see cref="Instance.RestartServicesAnnotation"/> annotation, carried out once per value) is carried out, and the states are
/// returned for the status. Projects without [services] cost nothing.
/// </summary>
public sealed class BareServiceStep(IContainerEngine engine, IEnumerable<IServiceEnvironment> sources)
{
    private readonly BareServiceSupervisor _supervisor = new(engine);

    public BareServiceSupervisor Supervisor => _supervisor;

    /// <summary>Applies the services; null when the project has none.</summary>
    public async Task<BareServicesOutcome?> ConvergeAsync(string container, Project project, Instance instance, Build build, CancellationToken ct)
    {
        if (project.Spec.Services.Count == 0 && instance.Status.Services.Count == 0) return null;
        var plans = await BareServicePlan.ForAsync(project, instance, build, sources, ct);
        var states = await _supervisor.ApplyAsync(container, plans, ct);
        var done = instance.Status.ServicesRestarted;
        if (PendingRestart(instance) is { } request)
        {
            var restarted = await _supervisor.RestartAsync(container, request.Services, ct);
            states = states.Select(s => restarted.FirstOrDefault(r => r.Name == s.Name) ?? s).ToList();
            done = request.Token;
        }
        return new BareServicesOutcome(states, done);
    }

    /// <summary>True when nothing is to be done: no services, or all applied, none failed and no restart pending.</summary>
    public async Task<bool> SettledAsync(string container, Project project, Instance instance, Build build, CancellationToken ct)
    {
        if (project.Spec.Services.Count == 0 && instance.Status.Services.Count == 0) return true;
        if (PendingRestart(instance) is not null) return false;
        var states = await _supervisor.ApplyAsync(container, await BareServicePlan.ForAsync(project, instance, build, sources, ct), ct);
        return await _supervisor.FailedAsync(container, states, ct) is null && Same(states, instance.Status.Services);
    }

    /// <summary>The first failed service (summary, report with its last log lines), or null.</summary>
    public async Task<(string Summary, string Report)?> FailedAsync(string container, Project project, CancellationToken ct) =>
        project.Spec.Services.Count == 0 ? null : await _supervisor.FailedAsync(container, await _supervisor.StatusAsync(container, ct), ct);

    /// <summary>True while a bare service runs its install steps (progress: the port deadline does not run meanwhile).</summary>
    public async Task<bool> InstallingAsync(string container, Project project, CancellationToken ct) =>
        project.Spec.Services.Count > 0 && (await _supervisor.StatusAsync(container, ct)).Any(s => s.State == "installing");

    /// <summary>"; bare service 'web' running; last log lines: ..." for each bare service, for a report of silent ports.</summary>
    public async Task<string> DescribeAsync(string container, Project project, CancellationToken ct)
    {
        if (project.Spec.Services.Count == 0 || container.Length == 0) return "";
        var parts = new List<string>();
        foreach (var s in await _supervisor.StatusAsync(container, ct))
            parts.Add($"; bare service '{s.Name}' {s.State}{await _supervisor.LastLinesAsync(container, s.Name, ct)}");
        return string.Concat(parts);
    }

    public static List<BareServiceStatus> ToStatus(IEnumerable<BareServiceState> states) =>
        states.Select(s => new BareServiceStatus { Name = s.Name, State = s.State, Restarts = s.Restarts, ExitCode = s.ExitCode }).ToList();

    private static (string Token, IReadOnlyList<string> Services)? PendingRestart(Instance instance)
    {
        if (!instance.Metadata.Annotations.TryGetValue(Instance.RestartServicesAnnotation, out var value) || value == instance.Status.ServicesRestarted) return null;
        var colon = value.IndexOf(':');
        IReadOnlyList<string> services = colon < 0 ? [] : value[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (value, services);
    }

    private static bool Same(IReadOnlyList<BareServiceState> now, List<BareServiceStatus> recorded) =>
        now.Count == recorded.Count && now.All(s => recorded.Any(r => r.Name == s.Name && r.State == s.State && r.Restarts == s.Restarts && r.ExitCode == s.ExitCode));
}

public sealed record BareServicesOutcome(IReadOnlyList<BareServiceState> States, string? RestartDone);
