namespace Coast.ApiTypes.Serialization;

/// <summary>One or more problems reading manifests, each naming the source, document and field or line.</summary>
public sealed class ManifestException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
