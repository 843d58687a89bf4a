namespace Coast.Cli.Infrastructure;

/// <summary>A user-facing failure: printed as one clear message (no stack trace) with its exit code.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
