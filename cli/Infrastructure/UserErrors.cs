namespace Coast.Cli.Infrastructure;

/// <summary>Recognises exceptions that describe bad user input (manifests, Coastfiles) rather than bugs.</summary>
public static class UserErrors
{
    public static bool TryDescribe(Exception e, out IReadOnlyList<string> lines)
    {
        lines = e switch
        {
            ManifestProblemsException m => m.Problems,
            _ => [],
        };
        return lines.Count > 0;
    }
}
