using Coast.ApiTypes.Kinds;
using Coast.Client.Processes;
using Coast.Controller.Runtime;

namespace Coast.Controller.GitOps;

/// <summary>
/// The git commands of one source, run with argument lists, never prompting (GIT_TERMINAL_PROMPT=0) and each
/// bounded by spec.timeout. The source's cache directory holds a bare repository (`repo.git`) that each fetch
/// updates; revisions are checked out from it into plain folders with their own index.
/// </summary>
public sealed class GitClient(string cacheDir, GitEnvironment environment, TimeSpan timeout)
{
    private string Repo => Path.Combine(cacheDir, "repo.git");

    /// <summary>Fetches the branch and returns its commit id.</summary>
    public async Task<string> FetchAsync(string url, string branch, CancellationToken ct)
    {
        if (!Directory.Exists(Repo))
        {
            Directory.CreateDirectory(cacheDir);
            await GitAsync(["init", "--quiet", "--bare", Repo], ct);
        }
        await GitAsync(["--git-dir", Repo, "fetch", "--quiet", "--force", "--no-tags", "--depth", "1",
            url, $"+refs/heads/{branch}:refs/heads/{branch}"], ct);
        return (await GitAsync(["--git-dir", Repo, "rev-parse", "--verify", $"refs/heads/{branch}^{{commit}}"], ct)).Trim();
    }

    /// <summary>Writes the files of <paramref name="commit"/> into <paramref name="target"/> (created fresh).</summary>
    public async Task CheckoutAsync(string commit, string target, CancellationToken ct)
    {
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.CreateDirectory(target);
        var index = target + ".index";
        File.Delete(index);
        try
        {
            await GitAsync(["--git-dir", Repo, "--work-tree", target, "read-tree", commit], ct, new() { ["GIT_INDEX_FILE"] = index });
            await GitAsync(["--git-dir", Repo, "--work-tree", target, "checkout-index", "--all", "--force"], ct, new() { ["GIT_INDEX_FILE"] = index });
        }
        finally
        {
            File.Delete(index);
        }
    }

    private async Task<string> GitAsync(string[] args, CancellationToken ct, Dictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>(environment.Variables);
        if (extra is not null) foreach (var (k, v) in extra) env[k] = v;
        var verb = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('/')) ?? args[0];
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync("git", args, timeout, ct, environment: env, unsetEnvironment: GitEnvironment.Unset);
        }
        catch (ProcessFailedException e)
        {
            throw new ReconcileFailedException(GitSourceNames.FetchFailed, $"git {verb}: {environment.Redact(e.StandardError)}");
        }
        if (result.ExitCode != 0) throw Failure(verb, result.ExitCode, environment.Redact(result.StandardError));
        return result.StandardOutput;
    }

    /// <summary>The cause in git's (or ssh's) words, with a reason a person can act on; secrets are already redacted.</summary>
    public static ReconcileFailedException Failure(string verb, int exit, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? Line(string part) => lines.FirstOrDefault(l => l.Contains(part, StringComparison.OrdinalIgnoreCase));
        if (Line("Permission denied (publickey") is { } denied)
            return new(GitSourceNames.AuthenticationFailed, $"git {verb}: the ssh server refused the key ({denied}); check spec.credentials.sshKeyPath and the server's authorized keys");
        if (Line("Host key verification failed") is { } hostKey)
            return new(GitSourceNames.HostKeyMismatch, $"git {verb}: {hostKey}: the server's key is not spec.hostKey");
        if ((Line("Authentication failed") ?? Line("could not read Username") ?? Line("could not read Password") ?? Line("error: 403")) is { } auth)
            return new(GitSourceNames.AuthenticationFailed, $"git {verb}: the server refused the credentials ({auth}); check the secret named in spec.credentials.secretRef");
        var cause = lines.FirstOrDefault(l => l.StartsWith("fatal:")) ?? lines.LastOrDefault() ?? "(no output)";
        return new(GitSourceNames.FetchFailed, $"git {verb} failed (exit {exit}): {cause}");
    }
}
