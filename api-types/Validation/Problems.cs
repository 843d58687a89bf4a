using System.Text.RegularExpressions;

namespace Coast.ApiTypes.Validation;

/// <summary>Collects validation errors, with the shared checks every validator uses.</summary>
public sealed partial class Problems
{
    private readonly List<ValidationError> _errors = new();

    public IReadOnlyList<ValidationError> Errors => _errors;

    public void Add(string path, string message) => _errors.Add(new ValidationError(path, message));

    public void Required(string path, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(path, "required");
    }

    /// <summary>A DNS-1123 label: what may become a container, volume or directory name.</summary>
    public void Dns1123(string path, string? value, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required) Add(path, "required");
            return;
        }
        if (value.Length > 63 || !Dns1123Pattern().IsMatch(value))
            Add(path, $"'{value}' must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    }

    public void Port(string path, int port)
    {
        if (port is < 1 or > 65535) Add(path, $"port {port} must be between 1 and 65535");
    }

    public void OneOf(string path, string? value, params string[] allowed)
    {
        if (value is null || !allowed.Contains(value))
            Add(path, $"'{value}' must be one of: {string.Join(", ", allowed)}");
    }

    public void AbsolutePath(string path, string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.StartsWith('/')) Add(path, $"'{value}' must be an absolute path");
    }

    /// <summary>"env:NAME" or "file:/absolute/path".</summary>
    public void InjectTarget(string path, string? value)
    {
        if (value is null) return;
        var ok = (value.StartsWith("env:") && EnvNamePattern().IsMatch(value[4..]))
                 || (value.StartsWith("file:/") && value.Length > 6);
        if (!ok) Add(path, $"'{value}' must be env:NAME or file:/absolute/path");
    }

    /// <summary>Text that reaches command lines as an argument: no leading '-', no whitespace or control characters.</summary>
    public void SafeArgument(string path, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (value.StartsWith('-') || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            Add(path, $"'{value}' must not start with '-' or contain spaces or control characters");
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Pattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    public static partial Regex EnvNamePattern();

    [GeneratedRegex("^[a-z0-9_-]+$")]
    public static partial Regex PortNamePattern();

    [GeneratedRegex("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    public static partial Regex LabelKeyPattern();
}
