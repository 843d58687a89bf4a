using System.Collections;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// The controller's executable, coastd: whatever needs Marten, Docker's API or SSH runs there, not in the CLI
/// (docs/architecture.md). Found at $COAST_COASTD, else next to this CLI (`coastd`, or `coastd.dll` run with
/// dotnet), else in the repository's Debug/Release build output (for `dotnet coast.dll` during development).
/// </summary>
public static partial class Coastd
{
    public const string PathVariable = "COAST_COASTD";

    /// <summary>The command line that runs coastd: [executable] or [dotnet, coastd.dll].</summary>
    public static IReadOnlyList<string> Command()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured)
            return File.Exists(configured) ? Launch(Path.GetFullPath(configured))
                : throw new CliException($"{PathVariable} names {configured}, which does not exist.");
        var self = Path.GetDirectoryName(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) != "dotnet"
            ? ResolveLinks(p) : AppContext.BaseDirectory)!;
        foreach (var name in new[] { "coastd", "coastd.dll" })
            if (File.Exists(Path.Combine(self, name))) return Launch(Path.Combine(self, name));
        // cli/bin/<Configuration>/<tfm>/ → controller/Daemon/bin/<Configuration>/<tfm>/coastd.dll
        var tfm = new DirectoryInfo(self);
        if (tfm.Parent?.Parent?.Parent?.Parent is { } repo)
        {
            var dev = Path.Combine(repo.FullName, "controller", "Daemon", "bin", tfm.Parent.Name, tfm.Name, "coastd.dll");
            if (File.Exists(dev)) return Launch(dev);
        }
        throw new CliException($"cannot find coastd (the controller's executable) next to {self}; set {PathVariable} to its path.");
    }

    /// <summary>Runs coastd with this terminal (stdin, stdout, stderr inherited) and returns its exit code.</summary>
    public static async Task<int> RunAttachedAsync(IEnumerable<string> args, CancellationToken ct)
    {
        using var p = Start(args, redirectOutput: false);
        return await WaitAsync(p, ct);
    }

    /// <summary>Runs coastd, hands each line it prints to <paramref name="line"/>, and returns its exit code (stderr is inherited).</summary>
    public static async Task<int> RunAsync(IEnumerable<string> args, Action<string> line, CancellationToken ct)
    {
        using var p = Start(args, redirectOutput: true);
        while (await p.StandardOutput.ReadLineAsync(ct) is { } l) line(l);
        return await WaitAsync(p, ct);
    }

    /// <summary>
    /// Becomes coastd (execve: same pid, same terminal), so whoever started `coast controller` can signal or kill
    /// the controller by that pid. Returns only when exec failed (then coastd runs as a child instead).
    /// </summary>
    public static async Task<int> ExecAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var command = Command();
        var file = command[0] != "dotnet" ? command[0]
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : FindOnPath("dotnet") ?? "dotnet";
        string?[] argv = [.. command, .. args, null];
        var env = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}").Append(null).ToArray();
        Console.Out.Flush();
        Console.Error.Flush();
        _ = execve(file, argv, env);
        return await RunAttachedAsync(args, ct);
    }

    private static Process Start(IEnumerable<string> args, bool redirectOutput)
    {
        var command = Command();
        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = redirectOutput };
        foreach (var a in command.Skip(1).Concat(args)) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new CliException("could not start coastd");
    }

    private static async Task<int> WaitAsync(Process p, CancellationToken ct)
    {
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

    private static IReadOnlyList<string> Launch(string path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", path] : [path];

    private static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int execve(string path, string?[] argv, string?[] envp);
}
