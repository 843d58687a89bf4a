using Coast.Controller.Docker;

namespace Coast.Controller.Instances;

/// <summary>
/// What the compose services inside an instance are doing, in words a user can act on: a service that exited
/// with an error or keeps restarting, and each service's last log lines.
/// </summary>
public static class InnerServices
{
    private const int LogLines = 5;

    /// <summary>
    /// The first service that failed: a summary ("service 'api' exited with code 3") and the report with its last
    /// log lines; null when none failed.
    /// </summary>
    public static async Task<(string Summary, string Report)?> FailedAsync(IInnerEngine inner, string composeProject, CancellationToken ct)
    {
        foreach (var c in await inner.ComposeContainersAsync(composeProject, ct))
        {
            var state = await inner.InspectStateAsync(c.Id, ct);
            if (state is null) continue;
            string? what = state.Restarting ? $"keeps restarting (exit code {state.ExitCode})"
                : state.Status is "exited" or "dead" && state.ExitCode != 0 ? $"exited with code {state.ExitCode}"
                : state.Status == "created" && !string.IsNullOrEmpty(state.Error) ? $"could not start: {state.Error}"
                : null;
            if (what is null) continue;
            // Only this run's lines: a restarted container keeps the logs of its earlier runs. A fast program writes
            // before the engine records StartedAt, so the window opens a little earlier; the previous run ended at
            // least a backoff step and a start before that.
            var summary = $"service '{c.Service}' {what}";
            return (summary, summary + await LastLinesAsync(inner, c.Id, state.StartedAt - TimeSpan.FromMilliseconds(100), ct));
        }
        return null;
    }

    /// <summary>Each service's state and last log lines, for a report of ports that never answered.</summary>
    public static async Task<string> DescribeAsync(IInnerEngine inner, string composeProject, CancellationToken ct)
    {
        var containers = await inner.ComposeContainersAsync(composeProject, ct);
        if (containers.Count == 0) return "no compose service is running";
        var parts = new List<string>();
        foreach (var c in containers.OrderBy(c => c.Service, StringComparer.Ordinal))
            parts.Add($"service '{c.Service}' {c.State}{await LastLinesAsync(inner, c.Id, null, ct)}");
        return string.Join("; ", parts);
    }

    private static async Task<string> LastLinesAsync(IInnerEngine inner, string id, DateTimeOffset? since, CancellationToken ct)
    {
        var lines = await inner.LogTailAsync(id, LogLines, since, ct);
        return lines.Count == 0 ? " (no log output)" : $"; last log lines: {string.Join(" | ", lines)}";
    }
}
