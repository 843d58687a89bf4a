namespace Coast.Cli.Infrastructure;

/// <summary>Process exit codes of `coast` (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int Conflict = 3;
    public const int NotFound = 4;
    public const int Timeout = 5;
}
