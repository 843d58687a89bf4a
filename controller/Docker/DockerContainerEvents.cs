using System.Runtime.CompilerServices;
using Coast.Client.Processes;

namespace Coast.Controller.Docker;

/// <summary>
/// The host engine's events of Coast-managed containers, read line by line from `docker events`: the
/// Docker.DotNet event stream delivered events late here (buffered), which delayed drift repair.
/// </summary>
public sealed class DockerContainerEvents : IContainerEvents
{
    public async IAsyncEnumerable<ContainerEvent> EventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "events", "--filter", "type=container", "--filter", $"label={CoastLabels.Managed}=true", "--format", "{{json .}}" })
            psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi) ?? throw new ProcessFailedException("docker events", -1, "could not start");
        using var stop = ct.Register(() => { try { process.Kill(); } catch (InvalidOperationException) { } });
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
        {
            if (ct.IsCancellationRequested) yield break;
            if (ParseEvent(line) is { } e) yield return e;
        }
        await process.WaitForExitAsync(CancellationToken.None);
        if (!ct.IsCancellationRequested)
            throw new ProcessFailedException("docker events", process.ExitCode, (await process.StandardError.ReadToEndAsync(CancellationToken.None)).Trim());
    }

    private static ContainerEvent? ParseEvent(string line)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var root = doc.RootElement;
            var action = root.GetProperty("Action").GetString() ?? "";
            var attributes = root.GetProperty("Actor").GetProperty("Attributes").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            return new ContainerEvent(action, attributes);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
