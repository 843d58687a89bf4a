using Coast.ApiTypes.Coastfile;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>The project described by the Coastfile in the current directory (or a given one).</summary>
public static class LocalProject
{
    public static CoastfileResult Load(string? coastfile, string? type, TextWriter warnings)
    {
        var source = new PhysicalCoastfileSource();
        var path = coastfile ?? CoastfileLoader.Find(Directory.GetCurrentDirectory(), type, source);
        var result = CoastfileLoader.Load(path, source, ProcessEnvironment.Variables());
        foreach (var w in result.Warnings) warnings.WriteLine($"warning: {w}");
        return result;
    }

    /// <summary>-p, $COAST_PROJECT or ./Coastfile; otherwise a clear error.</summary>
    public static string RequireName(string? explicitProject) =>
        ProjectScope.Default(explicitProject)
        ?? throw new CliException("no project: run this in a directory with a Coastfile, or pass -p PROJECT.", ExitCodes.Usage);

    /// <summary>A project being deleted takes its children with it: nothing new may be created under it meanwhile.</summary>
    public static async Task RequireNotDeletingAsync(IResourceStore store, string project, CancellationToken ct)
    {
        if (await store.GetAsync(new ResourceKey(Project.KindName, project, project), ct) is { Metadata.DeletionTimestamp: not null })
            throw new CliException($"project '{project}' is being deleted; wait for it (`coast wait project {project} --for delete`) and try again.");
    }

    public static string BuildName(string contentHash) => $"b-{contentHash[..10]}";

    public static Instance NewInstance(string project, string name, string? worktree, string? remoteHost = null) => new()
    {
        Metadata = { Name = name, Namespace = project },
        Spec = { Project = project, Worktree = worktree, State = InstanceStates.Running, RemoteHost = remoteHost },
    };
}
