using System.Net.Http;
using System.Net.Sockets;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Hosts;

/// <summary>What `coast remote test` reports of a host, read over its SSH connection.</summary>
public sealed record RemoteHostReport(
    string? DockerVersion, string? DockerError, int? Cpus, long? MemoryFreeMiB, long? DiskFreeMiB,
    string? AgentVersion, bool ReverseBindsOnAllAddresses, IReadOnlyDictionary<string, string>? Usage = null)
{
    /// <summary>Free resources, rounded (memory to 256 MiB, disk to 1 GiB) so small changes don't rewrite status every probe.</summary>
    public string Capacity => $"cpus={Cpus?.ToString() ?? "?"} memFree={Round(MemoryFreeMiB, 256)}MiB diskFree={Round(DiskFreeMiB, 1024)}MiB";

    private static string Round(long? mib, long step) => mib is { } v ? (v / step * step).ToString() : "?";
}

/// <summary>
/// Reads a host's Docker engine, free CPU/memory/disk, the agent's health (through a local forward to
/// 127.0.0.1:31420 on the host) and whether a reverse bind on 0.0.0.0 really listens on all addresses
/// (the server's GatewayPorts), each from an argument list, never a shell string built from input.
/// </summary>
public static class RemoteHostProbe
{
    public const int AgentPort = 31420;

    public static async Task<RemoteHostReport> RunAsync(SshConnection ssh, CancellationToken ct)
    {
        var docker = await ssh.RunAsync(["docker", "version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(15), ct);
        var cpus = await ssh.RunAsync(["nproc"], TimeSpan.FromSeconds(10), ct);
        var mem = await ssh.RunAsync(["free", "-m"], TimeSpan.FromSeconds(10), ct);
        var disk = await ssh.RunAsync(["df", "-Pm", "/"], TimeSpan.FromSeconds(10), ct);
        return new RemoteHostReport(
            docker.ExitCode == 0 ? docker.StandardOutput.Trim() : null,
            docker.ExitCode == 0 ? null : FirstLine(docker.StandardError) ?? $"docker exited with {docker.ExitCode}",
            int.TryParse(cpus.StandardOutput.Trim(), out var n) ? n : null,
            Column(mem.StandardOutput, "Mem:", 6),
            Column(disk.StandardOutput, "/", 3, lastLine: true),
            await AgentVersionAsync(ssh, ct),
            await ReverseBindsAsync(ssh, ct),
            docker.ExitCode == 0 ? await UsageAsync(ssh, ct) : null);
    }

    /// <summary>
    /// CPU and memory of each remote instance's DinD (the containers an agent labelled), by container name:
    /// "cpu=12.3% mem=81MiB" from one `docker stats --no-stream` sample.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> UsageAsync(SshConnection ssh, CancellationToken ct)
    {
        var usage = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ids = await ssh.RunAsync(["docker", "ps", "-q", "--filter", "label=coast.dev/agent"], TimeSpan.FromSeconds(15), ct);
        var list = ids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.ExitCode != 0 || list.Length == 0) return usage;
        var stats = await ssh.RunAsync(["docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}", .. list], TimeSpan.FromSeconds(30), ct);
        foreach (var line in stats.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (line.Split('\t') is [var name, var cpu, var mem])
                usage[name.Trim()] = $"cpu={cpu.Trim()} mem={mem.Split('/')[0].Trim()}";
        return usage;
    }

    public static async Task<string?> AgentVersionAsync(SshConnection ssh, CancellationToken ct)
    {
        var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", AgentPort), ct);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            var health = await http.GetStringAsync($"http://127.0.0.1:{forward.BoundPort}/health", ct);
            if (health.Trim() != "ok") return null;
            var version = await http.GetStringAsync($"http://127.0.0.1:{forward.BoundPort}/v1/version", ct);
            return System.Text.Json.JsonDocument.Parse(version).RootElement.GetProperty("version").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            return null;
        }
        finally { await ssh.RemoveForwardAsync(forward, CancellationToken.None); }
    }

    private static async Task<bool> ReverseBindsAsync(SshConnection ssh, CancellationToken ct)
    {
        // A port in the dynamic range on the remote; the bind fails harmlessly if it is taken.
        var port = Random.Shared.Next(49152, 65535);
        RemoteForward? forward = null;
        try
        {
            forward = await ssh.ForwardRemoteAsync(new RemoteForwardSpec(port, "127.0.0.1", 9), ct);
            var ss = await ssh.RunAsync(["ss", "-Htln", $"sport = :{port}"], TimeSpan.FromSeconds(10), ct);
            return ss.StandardOutput.Contains($"0.0.0.0:{port}") || ss.StandardOutput.Contains($"*:{port}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
        finally { if (forward is not null) await ssh.RemoveForwardAsync(forward, CancellationToken.None); }
    }

    private static long? Column(string text, string rowStart, int column, bool lastLine = false)
    {
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var row = lastLine ? rows.LastOrDefault() : rows.FirstOrDefault(r => r.StartsWith(rowStart));
        var cells = row?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return cells is not null && cells.Length > column && long.TryParse(cells[column], out var v) ? v : null;
    }

    private static string? FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
}
