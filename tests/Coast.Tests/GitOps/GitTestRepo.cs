using Coast.Client.Processes;

namespace Coast.Tests.GitOps;

/// <summary>A real git repository in the test's temp directory: write files, remove them, commit.</summary>
public sealed class GitTestRepo : IDisposable
{
    public GitTestRepo(string parent, string branch = "main")
    {
        Dir = Path.Combine(parent, "repo-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Dir);
        Git("init", "--quiet", "-b", branch);
        Git("config", "user.email", "tests@coast.dev");
        Git("config", "user.name", "Coast tests");
    }

    public string Dir { get; }

    public GitTestRepo Write(string path, string text)
    {
        var full = Path.Combine(Dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public GitTestRepo Remove(string path)
    {
        File.Delete(Path.Combine(Dir, path));
        return this;
    }

    /// <summary>Commits everything; returns the commit id.</summary>
    public string Commit(string message = "change")
    {
        Git("add", "--all");
        Git("commit", "--quiet", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args)
    {
        var r = ProcessRunner.RunAsync("git", ["-C", Dir, .. args], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (r.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {r.StandardError}");
        return r.StandardOutput;
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>Manifests the GitOps tests put in their repositories (kinds that need no Docker).</summary>
public static class Manifests
{
    public static string Project(string name, int port = 3000, string? annotations = null) => $"""
        apiVersion: coast.dev/v1alpha1
        kind: Project
        metadata:
          name: {name}
          namespace: {name}
        {(annotations is null ? "" : "  annotations:\n    " + annotations + "\n")}spec:
          rootDir: /srv/{name}
          ports:
            web: {port}

        """;

    public static string Checkout(string project) => $"""
        apiVersion: coast.dev/v1alpha1
        kind: Checkout
        metadata:
          name: {project}
          namespace: {project}
        spec:
          project: {project}

        """;

    public static string Instance(string name, string project, string state = "Running") => $"""
        apiVersion: coast.dev/v1alpha1
        kind: Instance
        metadata:
          name: {name}
          namespace: {project}
        spec:
          project: {project}
          state: {state}

        """;
}
