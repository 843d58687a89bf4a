using Coast.Client.Processes;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances.BareServices;

namespace Coast.Tests.Instances.Assign;

/// <summary>
/// A bare-services <see cref="CoastWorld"/> whose project is a git repository: main has backend/msg = "v1", branch
/// `feature` (with a worktree at .worktrees/feature) has "v2", branch `spare` has no worktree. `.env` is git-ignored
/// and present only in the root. The worktrees live in the world's directory, so its disposal removes them.
/// </summary>
public static class AssignWorld
{
    public const string Feature = ".worktrees/feature";

    public static async Task<CoastWorld> CreateAsync(PostgresFixture pg, string body, string coastExtra = "")
    {
        var world = BareServiceWorld.Create(pg, body, coastExtra);
        Directory.CreateDirectory(Path.Combine(world.Dir, "backend"));
        await File.WriteAllTextAsync(Path.Combine(world.Dir, "backend", "msg"), "v1\n");
        await File.WriteAllTextAsync(Path.Combine(world.Dir, "backend", "deps.txt"), "same in both\n");
        await File.WriteAllTextAsync(Path.Combine(world.Dir, ".gitignore"), ".worktrees/\n.env\n.cache/\n");
        await File.WriteAllTextAsync(Path.Combine(world.Dir, ".env"), "API_KEY=local-only\n");
        await GitAsync(world.Dir, "init", "-q", "-b", "main");
        await GitAsync(world.Dir, "add", "-A");
        await GitAsync(world.Dir, "commit", "-q", "-m", "v1");
        await GitAsync(world.Dir, "branch", "spare");
        await GitAsync(world.Dir, "worktree", "add", "-q", "-b", "feature", Feature);
        var feature = Path.Combine(world.Dir, Feature);
        await File.WriteAllTextAsync(Path.Combine(feature, "backend", "msg"), "v2\n");
        await GitAsync(feature, "commit", "-q", "-am", "v2");
        return world;
    }

    public static async Task GitAsync(string dir, params string[] args)
    {
        var r = await ProcessRunner.RunAsync("git", ["-C", dir, "-c", "user.name=coast-test", "-c", "user.email=test@coast.invalid", .. args]);
        r.ExitCode.ShouldBe(0, $"git {string.Join(' ', args)}: {r.StandardError}");
    }

    /// <summary>spec.worktree as stored.</summary>
    public static async Task<string?> SpecWorktreeAsync(CoastWorld world, PostgresFixture pg, string name) =>
        (await BareServiceWorld.InstanceAsync(world, pg, name)).Spec.Worktree;
}
