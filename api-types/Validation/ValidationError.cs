namespace Coast.ApiTypes.Validation;

/// <summary>One problem with a resource, located by its field path ("spec.privatePaths[1]").</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
