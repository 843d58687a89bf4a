using Coast.Client.Processes;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Remote;

/// <summary>
/// The agent as `coast remote setup` installs it: scripts/publish-agent.sh (self-contained linux-x64, one file)
/// into a temporary directory, published once per test process and removed when the process exits.
/// </summary>
public static class PublishedAgent
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _dir;

    public static async Task<string> DirectoryAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_dir is not null) return _dir;
            var dir = Path.Combine(Path.GetTempPath(), $"coast-agent-dist-{Guid.NewGuid().ToString("N")[..8]}");
            var r = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoRoot.Path, "scripts", "publish-agent.sh"), dir], TimeSpan.FromMinutes(10));
            if (r.ExitCode != 0)
            {
                if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, true);
                throw new InvalidOperationException($"publish-agent.sh failed ({r.ExitCode}): {r.StandardError}");
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, true); };
            return _dir = dir;
        }
        finally { Gate.Release(); }
    }
}
