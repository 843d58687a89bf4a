using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules for GitSource: everything that reaches git's command line is checked here first.</summary>
internal static partial class GitSourceValidator
{
    public static void Validate(GitSource g, Problems p)
    {
        var s = g.Spec;
        p.Required("spec.url", s.Url);
        p.SafeArgument("spec.url", s.Url);
        if (Uri.TryCreate(s.Url, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':'))
            p.Add("spec.url", "must not carry a password; name the secret in spec.credentials.secretRef");
        p.Required("spec.branch", s.Branch);
        p.SafeArgument("spec.branch", s.Branch);
        if (s.Branch.Contains("..") || s.Branch.Contains(':') || s.Branch.EndsWith('/') || s.Branch.StartsWith('/'))
            p.Add("spec.branch", $"'{s.Branch}' is not a branch name");
        if (s.Path.Length == 0 || s.Path.StartsWith('/') || s.Path.Split('/').Contains("..") || s.Path.Any(char.IsControl))
            p.Add("spec.path", $"'{s.Path}' must be a relative path inside the repository without '..'");
        Duration("spec.interval", s.Interval, TimeSpan.FromSeconds(1), p);
        Duration("spec.timeout", s.Timeout, TimeSpan.FromSeconds(1), p);
        var url = GitUrl.Parse(s.Url);
        if (url.IsSsh)
        {
            if (url.Host.Length == 0) p.Add("spec.url", $"'{s.Url}' has no host");
            if (s.HostKey is null)
                p.Add("spec.hostKey", "required for an ssh URL: the server's SHA256:... host key fingerprint (ssh-keygen -lf on the server's key, or `coast remote add` shows it); unknown keys are never accepted");
        }
        if (s.HostKey is not null)
        {
            if (!url.IsSsh) p.Add("spec.hostKey", "only for an ssh URL (ssh://... or user@host:path)");
            else if (!HostKeyPattern().IsMatch(s.HostKey)) p.Add("spec.hostKey", "must be a SHA256:... fingerprint (as printed by ssh-keygen -lf)");
        }
        if (s.Credentials is { } c)
        {
            if (c.SecretRef is not null && c.SshKeyPath is not null)
                p.Add("spec.credentials", "name either secretRef or sshKeyPath, not both");
            if (c.SecretRef is null && c.SshKeyPath is null)
                p.Add("spec.credentials", "name secretRef or sshKeyPath");
            p.Dns1123("spec.credentials.secretRef", c.SecretRef, required: false);
            if (c.SecretRef is not null && !url.IsHttp)
                p.Add("spec.credentials.secretRef", "only for an http(s) URL; an ssh URL takes sshKeyPath");
            if (c.SshKeyPath is not null)
            {
                // Any other character is fine: the path is never parsed by a shell or by ssh (docs/gitops.md).
                p.AbsolutePath("spec.credentials.sshKeyPath", c.SshKeyPath);
                if (c.SshKeyPath.Any(char.IsControl)) p.Add("spec.credentials.sshKeyPath", "must not contain control characters");
                if (!url.IsSsh) p.Add("spec.credentials.sshKeyPath", "only for an ssh URL (ssh://... or user@host:path)");
            }
        }
    }

    private static void Duration(string path, string value, TimeSpan min, Problems p)
    {
        if (!SpecDuration.TryParse(value, out var d)) p.Add(path, $"'{value}' is not a duration (examples: 30s, 1m, 1m30s, 1h)");
        else if (d < min) p.Add(path, $"'{value}' must be at least {min.TotalSeconds:0}s");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^SHA256:[A-Za-z0-9+/]{43}=?$")]
    private static partial System.Text.RegularExpressions.Regex HostKeyPattern();
}
