namespace Coast.ApiTypes.Coastfile;

/// <summary>Every problem found in a Coastfile (and the files it extends or includes), each naming file and key.</summary>
public sealed class CoastfileException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
