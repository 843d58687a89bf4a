using System.Diagnostics;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>
/// Runs the real `coast` binary against the test database, in its own schema and Coast home; with no
/// fixture (<paramref name="pg"/> null) against the embedded database it creates in that home.
/// </summary>
public sealed class CoastProcess(PostgresFixture? pg, string schema, string home, string? workingDirectory = null)
{
    /// <summary>
    /// The CLI as built in its own output folder (same configuration and framework as the tests): the test
    /// project references the ASP.NET Core framework, so its own folder lacks assemblies the CLI needs
    /// (Microsoft.Extensions.Logging.Abstractions) when run as its own process.
    /// </summary>
    public static string Dll { get; } = FindDll();

    private static string FindDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var own = Path.Combine(RepoRoot.Path, "cli", "bin", testBin.Parent!.Name, testBin.Name, "coast.dll");
        return File.Exists(own) ? own : Path.Combine(AppContext.BaseDirectory, "coast.dll");
    }

    /// <summary>The controller's executable the CLI starts (`coast controller`, `coast daemon start`, schema and images).</summary>
    public static string CoastdDll { get; } = Path.Combine(RepoRoot.Path, "controller", "Daemon", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name, "coastd.dll");

    public async Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
    {
        var psi = Start(args);
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Starts a long-running `coast controller`; the caller owns (and kills) the process.</summary>
    public Process StartController(params string[] extraArgs) => StartController(null, extraArgs);

    /// <summary>Starts a `coast controller` with extra environment variables (settings such as COAST_PORT_DEADLINE).</summary>
    public Process StartController(IReadOnlyDictionary<string, string>? environment, params string[] extraArgs)
    {
        var psi = Start(["controller", .. extraArgs]);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return p;
    }

    private ProcessStartInfo Start(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (pg is null) psi.Environment.Remove("COAST_DATABASE_URL");
        else psi.Environment["COAST_DATABASE_URL"] = pg.ConnectionString;
        psi.Environment["COAST_SCHEMA"] = schema;
        psi.Environment["COAST_HOME"] = home;
        psi.Environment["COAST_NO_AUTOSTART"] = "1";
        psi.Environment["COAST_COASTD"] = CoastdDll;
        psi.Environment.Remove("COAST_PROJECT");
        return psi;
    }
}

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
}
