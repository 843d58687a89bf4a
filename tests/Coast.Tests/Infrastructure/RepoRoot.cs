namespace Coast.Tests.Infrastructure;

/// <summary>The checkout's root (the folder holding Coast.sln), found from the test binaries.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Coast.sln"))) return dir.FullName;
        throw new InvalidOperationException("Coast.sln not found above " + AppContext.BaseDirectory);
    }
}
