namespace Coast.Controller.Remote.Ssh;

/// <summary>Where to connect and as whom: <c>user@host[:port]</c> plus the private key file to log in with.</summary>
public sealed record SshTarget(string User, string Host, int Port, string IdentityFile)
{
    public const int DefaultPort = 22;

    /// <summary>Parses <c>user@host[:port]</c> (IPv6 as <c>user@[::1]:port</c>); a bad value is a one-line <see cref="FormatException"/>.</summary>
    public static SshTarget Parse(string userAtHost, string identityFile)
    {
        var at = userAtHost.LastIndexOf('@');
        if (at <= 0 || at == userAtHost.Length - 1)
            throw new FormatException($"host '{userAtHost}' must look like user@host or user@host:port");
        var user = userAtHost[..at];
        var rest = userAtHost[(at + 1)..];
        string host;
        string? port = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0) throw new FormatException($"host '{userAtHost}' has '[' without ']'");
            host = rest[1..close];
            if (close + 1 < rest.Length)
            {
                if (rest[close + 1] != ':') throw new FormatException($"host '{userAtHost}': expected ':port' after ']'");
                port = rest[(close + 2)..];
            }
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon < 0 ? rest : rest[..colon];
            if (colon >= 0) port = rest[(colon + 1)..];
        }
        if (host.Length == 0) throw new FormatException($"host '{userAtHost}' has no host name");
        var portNumber = DefaultPort;
        if (port is not null && (!int.TryParse(port, out portNumber) || portNumber is < 1 or > 65535))
            throw new FormatException($"port '{port}' in '{userAtHost}' must be a number from 1 to 65535");
        return new SshTarget(user, host, portNumber, identityFile);
    }

    public override string ToString() => Host.Contains(':') ? $"{User}@[{Host}]:{Port}" : $"{User}@{Host}:{Port}";
}
