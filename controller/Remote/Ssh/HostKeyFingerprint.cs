using System.Text.RegularExpressions;

namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// A host key's OpenSSH fingerprint, <c>SHA256:</c> plus unpadded base64 of the key's SHA-256, exactly as
/// <c>ssh-keygen -lf</c> prints it, so users can compare it with what the server's admin shows them.
/// </summary>
public sealed partial record HostKeyFingerprint
{
    private HostKeyFingerprint(string value) => Value = value;

    public string Value { get; }

    /// <summary>Accepts <c>SHA256:</c> followed by 43 base64 characters; anything else is a one-line <see cref="FormatException"/>.</summary>
    public static HostKeyFingerprint Parse(string text)
    {
        var trimmed = text.Trim();
        if (!Shape().IsMatch(trimmed))
            throw new FormatException($"host key fingerprint '{text}' must look like SHA256:<43 base64 characters> (as printed by ssh-keygen -lf)");
        return new HostKeyFingerprint(trimmed);
    }

    /// <summary>From SSH.NET's <c>HostKeyEventArgs.FingerPrintSHA256</c>, which is the same base64 without the prefix.</summary>
    internal static HostKeyFingerprint FromSshNet(string unprefixedBase64) => Parse("SHA256:" + unprefixedBase64);

    public override string ToString() => Value;

    [GeneratedRegex("^SHA256:[A-Za-z0-9+/]{43}$")]
    private static partial Regex Shape();
}
