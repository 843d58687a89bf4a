namespace Coast.ApiTypes.Kinds;

/// <summary>
/// What a GitSource URL is, the way git reads it: `ssh://[user@]host[:port]/path` or scp-like
/// `[user@]host:path` (ssh), `http(s)://...`, or anything else (a local path, `file://`).
/// </summary>
public sealed record GitUrl(string Scheme, string? User, string Host, int Port)
{
    public const string Ssh = "ssh";
    public const string Http = "http";
    public const string Local = "local";

    public bool IsSsh => Scheme == Ssh;
    public bool IsHttp => Scheme == Http;

    public static GitUrl Parse(string url)
    {
        if (url.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("git+ssh://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("ssh+git://", StringComparison.OrdinalIgnoreCase))
        {
            var normalized = "ssh://" + url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var uri = Uri.TryCreate(normalized, UriKind.Absolute, out var u) ? u : null;
            if (uri is null || uri.Host.Length == 0) return new GitUrl(Ssh, null, "", 22);
            return new GitUrl(Ssh, uri.UserInfo.Length > 0 ? Uri.UnescapeDataString(uri.UserInfo) : null, uri.Host.Trim('[', ']'), uri.Port > 0 ? uri.Port : 22);
        }
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var host = Uri.TryCreate(url, UriKind.Absolute, out var u) ? u : null;
            return new GitUrl(Http, null, host?.Host ?? "", host?.Port ?? 0);
        }
        // scp-like: a colon before any slash, and not a local path (git's rule).
        var colon = url.IndexOf(':');
        var slash = url.IndexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash) && !url.Contains("://"))
        {
            var authority = url[..colon];
            var at = authority.LastIndexOf('@');
            return new GitUrl(Ssh, at > 0 ? authority[..at] : null, authority[(at + 1)..], 22);
        }
        return new GitUrl(Local, null, "", 0);
    }
}
