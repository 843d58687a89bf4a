using Coast.Controller.Processes;
using Docker.DotNet.Models;

namespace Coast.Controller.Instances;

/// <summary>
/// What the compose services inside an instance are doing, in words a user can act on: a service that exited
/// with an error or keeps restarting, and each service's last log lines (read with `docker logs --tail`).
/// </summary>
public static class InnerServices
{
    private const int LogLines = 5;

    /// <summary>
    /// The first service that failed: a summary ("service 'api' exited with code 3") and the report with its last
    /// log lines; null when none failed.
    /// </summary>
    public static async Task<(string Summary, string Report)?> FailedAsync(InnerEngine inner, string composeProject, CancellationToken ct)
    {
        foreach (var c in await inner.ComposeContainersAsync(composeProject, ct))
        {
            var state = await inner.InspectStateAsync(c.ID, ct);
            if (state is null) continue;
            string? what = state.Restarting ? $"keeps restarting (exit code {state.ExitCode})"
                : state.Status is "exited" or "dead" && state.ExitCode != 0 ? $"exited with code {state.ExitCode}"
                : state.Status == "created" && !string.IsNullOrEmpty(state.Error) ? $"could not start: {state.Error}"
                : null;
            if (what is null) continue;
            // Only this run's lines: a restarted container keeps the logs of its earlier runs.
            var summary = $"service '{Service(c)}' {what}";
            return (summary, summary + await LastLinesAsync(inner, c.ID, state.StartedAt, ct));
        }
        return null;
    }

    /// <summary>Each service's state and last log lines, for a report of ports that never answered.</summary>
    public static async Task<string> DescribeAsync(InnerEngine inner, string composeProject, CancellationToken ct)
    {
        var containers = await inner.ComposeContainersAsync(composeProject, ct);
        if (containers.Count == 0) return "no compose service is running";
        var parts = new List<string>();
        foreach (var c in containers.OrderBy(Service, StringComparer.Ordinal))
            parts.Add($"service '{Service(c)}' {c.State}{await LastLinesAsync(inner, c.ID, null, ct)}");
        return string.Join("; ", parts);
    }

    /// <summary>The compose service a container belongs to (its name or id when the label is missing).</summary>
    public static string Service(ContainerListResponse c) =>
        c.Labels.TryGetValue("com.docker.compose.service", out var s) ? s : c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12];

    private static async Task<string> LastLinesAsync(InnerEngine inner, string id, string? since, CancellationToken ct)
    {
        // A fast program writes before the engine records StartedAt, so the window opens a little earlier; the
        // previous run ended at least a backoff step and a start before that.
        string[] window = DateTimeOffset.TryParse(since, out var at) && at.Year > 2000
            ? ["--since", (at.ToUnixTimeMilliseconds() / 1000.0 - 0.1).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)]
            : [];
        var r = await ProcessRunner.RunAsync("docker", ["-H", $"unix://{inner.SocketPath}", "logs", "--tail", LogLines.ToString(), .. window, id],
            TimeSpan.FromSeconds(10), ct);
        var lines = (r.StandardOutput + r.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeLast(LogLines).ToList();
        return lines.Count == 0 ? " (no log output)" : $"; last log lines: {string.Join(" | ", lines)}";
    }
}
