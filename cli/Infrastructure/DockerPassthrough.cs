using System.Diagnostics;

namespace Coast.Cli.Infrastructure;

/// <summary>Runs `docker ...` attached to this terminal (stdin, stdout, stderr inherited) and returns its exit code.</summary>
public static class DockerPassthrough
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("docker") { UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new CliException("could not run docker");
        try
        {
            await p.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            throw;
        }
        return p.ExitCode;
    }

    /// <summary>True when stdin and stdout are a terminal, so `docker exec -t` makes sense.</summary>
    public static bool Interactive => !Console.IsInputRedirected && !Console.IsOutputRedirected;
}
