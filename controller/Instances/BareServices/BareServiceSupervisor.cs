using Coast.Controller.Docker;

namespace Coast.Controller.Instances.BareServices;

/// <summary>A bare service's state as the supervisor reports it.</summary>
/// <param name="State">pending (not started: autostart = false), installing, running, backoff, exited, failed, stopped.</param>
/// <param name="Alive">Its supervisor process runs.</param>
public sealed record BareServiceState(string Name, string State, int Restarts, int? ExitCode, bool Alive);

/// <summary>
/// Talks to the supervisor inside an instance (<see cref="SupervisorScript"/>) through the engine's exec:
/// installs the script, applies the desired services, restarts some, reads states and log lines.
/// </summary>
public sealed class BareServiceSupervisor(IContainerEngine engine)
{
    private const int LogLines = 5;

    /// <summary>Writes the supervisor (a new file each time: a running sh reads its script as it goes) and applies the plans.</summary>
    public async Task<IReadOnlyList<BareServiceState>> ApplyAsync(string container, IReadOnlyList<BareServicePlan> plans, CancellationToken ct)
    {
        await InstallAsync(container, ct);
        var input = string.Concat(plans.Select(p => p.ApplyLine() + "\n"));
        return Parse(Check(await engine.ExecAsync(container, ["sh", SupervisorScript.Path, "apply"], input, ct), "applying the bare services"));
    }

    /// <summary>Stops and starts the named services (all when empty), autostart or not.</summary>
    public async Task<IReadOnlyList<BareServiceState>> RestartAsync(string container, IReadOnlyList<string> services, CancellationToken ct)
    {
        await InstallAsync(container, ct);
        return Parse(Check(await engine.ExecAsync(container, ["sh", SupervisorScript.Path, "restart", .. services], null, ct), "restarting bare services"));
    }

    public async Task<IReadOnlyList<BareServiceState>> StatusAsync(string container, CancellationToken ct)
    {
        var r = await engine.ExecAsync(container, ["sh", "-c", $"[ -f {SupervisorScript.Path} ] && exec sh {SupervisorScript.Path} status || true"], null, ct);
        return r.ExitCode == 0 ? Parse(r.StandardOutput) : [];
    }

    /// <summary>The lines of the service's latest run (after its last "[coast] starting" line), at most five.</summary>
    public async Task<string> LastLinesAsync(string container, string service, CancellationToken ct)
    {
        var r = await engine.ExecAsync(container, ["tail", "-n", "60", $"{SupervisorScript.LogDir}/{service}.log"], null, ct);
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var start = lines.FindLastIndex(l => l.StartsWith("[coast] starting ", StringComparison.Ordinal) || l.StartsWith("[coast] installing ", StringComparison.Ordinal));
        var run = lines.Skip(start + 1).Where(l => !l.StartsWith("[coast] ", StringComparison.Ordinal)).TakeLast(LogLines).ToList();
        return run.Count == 0 ? " (no log output)" : $"; last log lines: {string.Join(" | ", run)}";
    }

    /// <summary>
    /// The first service that failed, in the words of <see cref="InnerServices.FailedAsync"/>: exited with an error
    /// (restart = no), keeps restarting (in backoff after two failed runs), gave up, or its install failed.
    /// </summary>
    public async Task<(string Summary, string Report)?> FailedAsync(string container, IReadOnlyList<BareServiceState> states, CancellationToken ct)
    {
        foreach (var s in states)
        {
            string? what = s.State switch
            {
                "exited" when s.ExitCode is not (null or 0) => $"exited with code {s.ExitCode}",
                "backoff" when s.Restarts >= 2 && s.ExitCode is not (null or 0) => $"keeps restarting (exit code {s.ExitCode})",
                "failed" when s.Restarts == 0 => $"install steps failed (exit code {s.ExitCode})",
                "failed" => $"gave up after {s.Restarts} restarts (exit code {s.ExitCode})",
                _ => null,
            };
            if (what is null) continue;
            var summary = $"bare service '{s.Name}' {what}";
            return (summary, summary + await LastLinesAsync(container, s.Name, ct));
        }
        return null;
    }

    private async Task InstallAsync(string container, CancellationToken ct)
    {
        var target = SupervisorScript.Path;
        Check(await engine.ExecAsync(container,
            ["sh", "-c", $"mkdir -p {Path.GetDirectoryName(target)} && cat > {target}.tmp && chmod 755 {target}.tmp && mv {target}.tmp {target}"],
            SupervisorScript.Text.Replace("\r\n", "\n") + "\n", ct), "installing the bare-service supervisor");
    }

    public static IReadOnlyList<BareServiceState> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' '))
            .Where(f => f.Length >= 5)
            .Select(f => new BareServiceState(f[0], f[1], int.TryParse(f[2], out var n) ? n : 0, int.TryParse(f[3], out var c) ? c : null, f[4] == "1"))
            .ToList();

    private static string Check(ExecResult r, string what) => r.ExitCode == 0 ? r.StandardOutput
        : throw new Runtime.ReconcileFailedException("BareServiceFailed",
            $"{what} failed (exit {r.ExitCode}): {(r.StandardError + r.StandardOutput).Trim().Split('\n').LastOrDefault()}");
}
