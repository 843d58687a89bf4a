namespace Coast.Cli.Infrastructure;

/// <summary>Every problem found in the manifests of one invocation; nothing was written.</summary>
public sealed class ManifestProblemsException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
