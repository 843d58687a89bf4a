using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Runtime;

namespace Coast.Controller.GitOps;

/// <summary>
/// Turns spec.credentials (references only) into environment for git: an SSH key becomes GIT_SSH_COMMAND
/// (the path is validated to hold no shell characters), a secret (`$COAST_HOME/secrets/NAME`, lines
/// `username=...` and `password=...`, mode 0600) becomes an HTTP Authorization header passed through
/// GIT_CONFIG_* variables, so it appears on no command line and in no file git writes.
/// </summary>
public static class GitCredentialsEnvironment
{
    public static Dictionary<string, string> For(GitSourceSpec spec, GitSourceOptions options)
    {
        var env = new Dictionary<string, string>
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_ASKPASS"] = "/bin/false",
            ["SSH_ASKPASS"] = "/bin/false",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes",
        };
        if (spec.Credentials?.SshKeyPath is { } key)
        {
            if (!File.Exists(key))
                throw new ReconcileFailedException(GitSourceNames.CredentialsNotFound, $"spec.credentials.sshKeyPath: no file {key}");
            env["GIT_SSH_COMMAND"] = $"ssh -i {key} -o IdentitiesOnly=yes -o BatchMode=yes";
        }
        if (spec.Credentials?.SecretRef is { } name)
        {
            var (user, password) = ReadSecret(Path.Combine(options.SecretsDir, name), name);
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            env["GIT_CONFIG_VALUE_0"] = $"Authorization: Basic {token}";
        }
        return env;
    }

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
