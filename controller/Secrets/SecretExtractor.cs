using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;

namespace Coast.Controller.Secrets;

/// <summary>A secret could not be extracted; the message names the secret and the cause, never a value.</summary>
public sealed class SecretExtractionException(string message) : Exception(message);

/// <summary>
/// Reads a secret's value on the host, the way its extractor says: env (the controller's environment
/// variable <c>var</c>), file (the file at <c>path</c>, ~ being the controller's home), command (standard output of
/// <c>sh -c run</c>, within <see cref="CommandTimeout"/>). One trailing newline is dropped.
/// </summary>
public static class SecretExtractor
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public static async Task<string> ExtractAsync(string name, SecretSpec definition, CancellationToken ct)
    {
        var value = definition.Extractor switch
        {
            "env" => Environment.GetEnvironmentVariable(definition.Var!)
                     ?? throw Fail(name, $"environment variable '{definition.Var}' is not set in the controller's environment (set it where the controller starts, or use `coast secret {name} set`)"),
            "file" => await ReadFileAsync(name, Expand(definition.Path!), ct),
            "command" => await RunAsync(name, definition.Run!, ct),
            _ => throw Fail(name, $"extractor '{definition.Extractor}' is not supported"),
        };
        return value.EndsWith("\r\n") ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value;
    }

    private static async Task<string> ReadFileAsync(string name, string path, CancellationToken ct)
    {
        try { return await File.ReadAllTextAsync(path, ct); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw Fail(name, $"file '{path}' does not exist"); }
        catch (UnauthorizedAccessException) { throw Fail(name, $"file '{path}' is not readable by the controller"); }
        catch (IOException e) { throw Fail(name, $"file '{path}' could not be read ({e.GetType().Name})"); }
    }

    private static async Task<string> RunAsync(string name, string run, CancellationToken ct)
    {
        ProcessResult r;
        try { r = await ProcessRunner.RunAsync("sh", ["-c", run], CommandTimeout, ct); }
        catch (ProcessFailedException) when (!ct.IsCancellationRequested)
        {
            throw Fail(name, $"command did not finish within {CommandTimeout.TotalSeconds:0}s");
        }
        if (r.ExitCode != 0)
        {
            // stderr only (stdout may be a partial value); its last line, short.
            var last = r.StandardError.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
            if (last.Length > 160) last = last[..160] + "...";
            throw Fail(name, $"command exited with code {r.ExitCode}" + (last.Length > 0 ? $": {last}" : ""));
        }
        return r.StandardOutput;
    }

    private static string Expand(string path) =>
        path.StartsWith("~/") ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;

    private static SecretExtractionException Fail(string name, string cause) => new($"secret '{name}': {cause}");
}
