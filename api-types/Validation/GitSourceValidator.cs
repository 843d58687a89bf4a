using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules for GitSource: everything that reaches git's command line is checked here first.</summary>
internal static class GitSourceValidator
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
        if (s.Credentials is { } c)
        {
            if (c.SecretRef is not null && c.SshKeyPath is not null)
                p.Add("spec.credentials", "name either secretRef or sshKeyPath, not both");
            if (c.SecretRef is null && c.SshKeyPath is null)
                p.Add("spec.credentials", "name secretRef or sshKeyPath");
            p.Dns1123("spec.credentials.secretRef", c.SecretRef, required: false);
            if (c.SshKeyPath is not null)
            {
                p.AbsolutePath("spec.credentials.sshKeyPath", c.SshKeyPath);
                if (c.SshKeyPath.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || ch is '\'' or '"' or '\\' or '$' or '`'))
                    p.Add("spec.credentials.sshKeyPath", "must not contain spaces, quotes or shell characters");
            }
        }
    }

    private static void Duration(string path, string value, TimeSpan min, Problems p)
    {
        if (!SpecDuration.TryParse(value, out var d)) p.Add(path, $"'{value}' is not a duration (examples: 30s, 1m, 1m30s, 1h)");
        else if (d < min) p.Add(path, $"'{value}' must be at least {min.TotalSeconds:0}s");
    }
}
