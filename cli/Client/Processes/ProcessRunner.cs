using System.Diagnostics;

namespace Coast.Client.Processes;

/// <summary>Runs an external program with an argument list (never a shell string) and captures its output.</summary>
public static class ProcessRunner
{
    /// <summary>Runs it; <paramref name="unsetEnvironment"/> names inherited variables removed before <paramref name="environment"/> is applied.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments,
        TimeSpan? timeout = null, CancellationToken ct = default, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, IEnumerable<string>? unsetEnvironment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (unsetEnvironment is not null) foreach (var k in unsetEnvironment) psi.Environment.Remove(k);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;

        using var process = Process.Start(psi) ?? throw new ProcessFailedException(Describe(psi), -1, "could not start");
        try
        {
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited (or closed its stdin) before reading it all: its exit code and output tell why.
        }
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw ct.IsCancellationRequested
                ? new OperationCanceledException(ct)
                : new ProcessFailedException(Describe(psi), -1, $"timed out after {timeout}");
        }
        return new ProcessResult(Describe(psi), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Like RunAsync, but a non-zero exit is a <see cref="ProcessFailedException"/>.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(string fileName, IEnumerable<string> arguments,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var result = await RunAsync(fileName, arguments, timeout, ct);
        if (result.ExitCode != 0) throw new ProcessFailedException(result.CommandLine, result.ExitCode, result.StandardError.Trim());
        return result;
    }

    private static string Describe(ProcessStartInfo psi) =>
        string.Join(' ', new[] { psi.FileName }.Concat(psi.ArgumentList.Select(a => a.Contains(' ') ? $"'{a}'" : a)));
}

public sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError);

/// <summary>An external command failed; the message carries the command line and its stderr.</summary>
public sealed class ProcessFailedException(string commandLine, int exitCode, string stderr)
    : Exception($"`{commandLine}` failed (exit {exitCode}): {stderr}")
{
    public string CommandLine { get; } = commandLine;
    public int ExitCode { get; } = exitCode;
    public string StandardError { get; } = stderr;
}
