using System.Text.RegularExpressions;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>`user@host[:port]` (IPv6 as `user@[addr]:port`) and OpenSSH `SHA256:...` fingerprints, as `coast remote add` takes them.</summary>
public static partial class RemoteTargetParser
{
    public static (string User, string Host, int Port) Parse(string value)
    {
        var m = TargetPattern().Match(value);
        if (!m.Success)
            throw new CliException($"target '{value}' must look like user@host or user@host:port (IPv6: user@[addr]:port)", ExitCodes.Usage);
        var host = m.Groups["v6"].Success ? m.Groups["v6"].Value : m.Groups["host"].Value;
        var port = 22;
        if (m.Groups["port"].Success && (!int.TryParse(m.Groups["port"].Value, out port) || port is < 1 or > 65535))
            throw new CliException($"port '{m.Groups["port"].Value}' in '{value}' must be a number from 1 to 65535", ExitCodes.Usage);
        return (m.Groups["user"].Value, host, port);
    }

    public static string Fingerprint(string value) => FingerprintPattern().IsMatch(value)
        ? value
        : throw new CliException($"--accept-host-key: '{value}' is not an OpenSSH fingerprint (SHA256: and 43 base64 characters, as `ssh-keygen -lf` prints it)", ExitCodes.Usage);

    [GeneratedRegex(@"^(?<user>[A-Za-z0-9._][A-Za-z0-9._-]*)@(\[(?<v6>[0-9A-Fa-f:.]+)\]|(?<host>[A-Za-z0-9][A-Za-z0-9.-]*))(:(?<port>\d+))?$")]
    private static partial Regex TargetPattern();

    [GeneratedRegex(@"^SHA256:[A-Za-z0-9+/]{43}$")]
    private static partial Regex FingerprintPattern();
}
