using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Hosts;

/// <summary>What one <see cref="AgentInstaller.EnsureAsync"/> did: unchanged, installed (uploaded and started), restarted (same build, was not running) or replaced (another build was running).</summary>
public sealed record AgentInstallResult(string Outcome, int Pid, string Build, bool Uploaded);

/// <summary>
/// Installs and runs the managed agent on a host over its SSH connection, idempotently. Layout under the
/// host's agent dir D: D/&lt;build&gt;/coast-agent, D/agent.pid, D/current (the running build), D/agent.log,
/// D/home (the agent's --home). The agent is up when the pid in D/agent.pid is alive with the command line
/// we started (so a reused pid is not mistaken for it) and D/current names the wanted build; then nothing is
/// done. Otherwise the binary is uploaded unless D/&lt;build&gt;/coast-agent already has its SHA-256, the old
/// agent is stopped by its pid (TERM, then KILL after 10 s) and the new one started detached (setsid) on
/// 127.0.0.1:31420. The remote scripts are constants; every value reaches them as a positional argument.
/// </summary>
public static class AgentInstaller
{
    public const string DefaultDir = ".coast/agent";

    private const string StateScript = """
        d=$1; b=$2
        pid=$(cat "$d/agent.pid" 2>/dev/null); cur=$(cat "$d/current" 2>/dev/null)
        alive=no
        if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && [ "$(tr '\0' '\n' < "/proc/$pid/cmdline" | head -n 1)" = "$d/$cur/coast-agent" ]; then alive=yes; fi
        sha=$(sha256sum "$d/$b/coast-agent" 2>/dev/null | cut -d' ' -f1)
        echo "${alive} ${pid:--} ${cur:--} ${sha:--}"
        """;

    private const string UploadScript = """
        mkdir -p "$1" && cat > "$1/coast-agent.part" && chmod 755 "$1/coast-agent.part" && mv -f "$1/coast-agent.part" "$1/coast-agent"
        """;

    private const string StopScript = """
        kill "$1" 2>/dev/null || exit 0
        i=0; while kill -0 "$1" 2>/dev/null; do i=$((i+1)); [ $i -ge 100 ] && { kill -9 "$1" 2>/dev/null; break; }; sleep 0.1; done
        """;

    private const string StartScript = """
        d=$1; b=$2; mkdir -p "$d/home"
        setsid "$d/$b/coast-agent" --home "$d/home" >>"$d/agent.log" 2>&1 </dev/null &
        echo $! > "$d/agent.pid"; echo "$b" > "$d/current"; echo $!
        """;

    public static async Task<AgentInstallResult> EnsureAsync(SshConnection ssh, string dir, PublishedAgent agent, Func<string, Task> progress, CancellationToken ct)
    {
        var state = await RunCheckedAsync(ssh, ["sh", "-c", StateScript, "sh", dir, agent.Build], "read the agent's state", ct);
        var cells = state.StandardOutput.Trim().Split(' ');
        var (alive, pid, current, remoteSha) = (cells[0] == "yes", cells[1], cells[2], cells[3]);
        if (alive && current == agent.Build && await AnswersAsync(ssh, TimeSpan.FromSeconds(20), ct))
            return new AgentInstallResult("unchanged", int.Parse(pid), agent.Build, false);

        var upload = remoteSha != agent.Sha256;
        if (upload)
        {
            await progress($"uploading coast-agent build {agent.Build} ({agent.Length / (1024 * 1024)} MiB) to {dir}/{agent.Build}");
            var sent = await ssh.RunWithInputAsync(["sh", "-c", UploadScript, "sh", $"{dir}/{agent.Build}"], async (stdin, token) =>
            {
                await using var file = File.OpenRead(agent.Path);
                await file.CopyToAsync(stdin, 1 << 20, token);
            }, TimeSpan.FromMinutes(10), ct);
            if (sent.ExitCode != 0) throw new AgentInstallException($"uploading the agent to {dir}/{agent.Build} failed ({sent.ExitCode}): {sent.StandardError.Trim()}");
        }
        if (alive)
        {
            await progress($"stopping the running agent (build {current}, pid {pid})");
            await RunCheckedAsync(ssh, ["sh", "-c", StopScript, "sh", pid], "stop the old agent", ct);
        }
        await progress($"starting coast-agent build {agent.Build} on 127.0.0.1:{RemoteHostProbe.AgentPort}");
        var started = await RunCheckedAsync(ssh, ["sh", "-c", StartScript, "sh", dir, agent.Build], "start the agent", ct);
        var newPid = int.Parse(started.StandardOutput.Trim());
        if (!await AnswersAsync(ssh, TimeSpan.FromSeconds(60), ct))
        {
            var log = await ssh.RunAsync(["tail", "-n", "5", $"{dir}/agent.log"], TimeSpan.FromSeconds(10), ct);
            throw new AgentInstallException($"the agent (pid {newPid}) did not answer on 127.0.0.1:{RemoteHostProbe.AgentPort} within 60 s; " +
                $"last lines of {dir}/agent.log: {string.Join(" | ", log.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))}");
        }
        var outcome = alive && current != agent.Build ? "replaced" : upload ? "installed" : "restarted";
        return new AgentInstallResult(outcome, newPid, agent.Build, upload);
    }

    private static async Task<bool> AnswersAsync(SshConnection ssh, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await RemoteHostProbe.AgentVersionAsync(ssh, ct) is not null) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(250, ct);
        }
    }

    private static async Task<RemoteCommandResult> RunCheckedAsync(SshConnection ssh, IReadOnlyList<string> argv, string what, CancellationToken ct)
    {
        var r = await ssh.RunAsync(argv, TimeSpan.FromSeconds(30), ct);
        if (r.ExitCode != 0) throw new AgentInstallException($"could not {what} on {ssh.Target} ({r.ExitCode}): {r.StandardError.Trim()}");
        return r;
    }
}

/// <summary>An install step failed on the host; the message says which and why.</summary>
public sealed class AgentInstallException(string message) : Exception(message);
