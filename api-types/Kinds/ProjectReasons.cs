namespace Coast.ApiTypes.Kinds;

/// <summary>Condition reasons of a Project.</summary>
public static class ProjectReasons
{
    public const string Accepted = "Accepted";
}
