using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Runtime;

namespace Coast.Controller.GitOps;

/// <summary>What git runs with for one source: its environment and the secret values to keep out of every message.</summary>
public sealed record GitEnvironment(IReadOnlyDictionary<string, string> Variables, IReadOnlyList<string> Secrets)
{
    /// <summary>Variables of the controller's own environment git must not see: each would run ssh through a shell or bypass the pinned host key.</summary>
    public static readonly string[] Unset = ["GIT_SSH_COMMAND", "GIT_SSH", "GIT_SSH_VARIANT", "GIT_CONFIG_PARAMETERS", "GIT_PROXY_COMMAND", "GIT_EXEC_PATH"];

    /// <summary>The text with every secret value replaced by ***.</summary>
    public string Redact(string text) => Secrets.Where(s => s.Length > 0).Aggregate(text, (t, s) => t.Replace(s, "***"));
}

/// <summary>
/// Turns spec.credentials (references only) into git's environment. git never prompts and reads no system or
/// user config (so no core.sshCommand, a shell string, applies); only the file, http(s) and ssh transports are
/// allowed. An ssh URL goes through <see cref="GitSshTransport"/> (no shell, pinned host key). A secret
/// (`$COAST_HOME/secrets/NAME`, lines `username=...` and `password=...` or `token=...`, mode 0600) becomes an
/// HTTP Authorization header passed through GIT_CONFIG_* variables, so it is on no command line and in no
/// file git writes.
/// </summary>
public static class GitCredentialsEnvironment
{
    public static async Task<GitEnvironment> ForAsync(GitSourceSpec spec, GitSourceOptions options, string cacheDir, TimeSpan timeout, CancellationToken ct)
    {
        var env = Base();
        var secrets = new List<string>();
        if (GitUrl.Parse(spec.Url).IsSsh)
            foreach (var (k, v) in await GitSshTransport.PrepareAsync(spec, cacheDir, timeout, ct)) env[k] = v;
        if (spec.Credentials?.SecretRef is { } name)
        {
            var (user, password) = ReadSecret(Path.Combine(options.SecretsDir, name), name);
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            env["GIT_CONFIG_VALUE_0"] = $"Authorization: Basic {token}";
            secrets.AddRange([password, token]);
        }
        return new GitEnvironment(env, secrets);
    }

    public static Dictionary<string, string> Base() => new()
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_ASKPASS"] = "/bin/false",
        ["SSH_ASKPASS"] = "/bin/false",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_ALLOW_PROTOCOL"] = "file:http:https:ssh",
    };

    private static (string User, string Password) ReadSecret(string path, string name)
    {
        if (!File.Exists(path))
            throw new ReconcileFailedException(GitSourceNames.CredentialsNotFound, $"spec.credentials.secretRef: secret '{name}' not found (expected a file in the Coast home's secrets directory)");
        if ((File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new ReconcileFailedException(GitSourceNames.CredentialsNotFound, $"spec.credentials.secretRef: secret '{name}' is readable by others; chmod 600 it");
        var values = File.ReadAllLines(path).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var user = values.GetValueOrDefault("username", "git");
        if (!values.TryGetValue("password", out var password) && !values.TryGetValue("token", out password))
            throw new ReconcileFailedException(GitSourceNames.CredentialsNotFound, $"spec.credentials.secretRef: secret '{name}' has no password= or token= line");
        return (user, password);
    }
}
