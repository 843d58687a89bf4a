using Coast.Client.Database;

namespace Coast.Controller.GitOps;

/// <summary>Where GitSources keep their clones (one directory per source) and where secretRefs are read.</summary>
public sealed record GitSourceOptions(string CacheRoot, string SecretsDir)
{
    public static GitSourceOptions FromCoastHome() => FromHome(DatabaseLocator.CoastHome);

    public static GitSourceOptions FromHome(string home) =>
        new(Path.Combine(home, "gitsources"), Path.Combine(home, "secrets"));

    public string CacheDir(string source) => Path.Combine(CacheRoot, source);
}
