using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Compose;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// The compose file a project names, checked on this machine before `coast build` writes or builds
/// anything: present, parseable, every service with a build (whose context and Dockerfile exist) or an
/// image. The same rules the Build reconciler applies, so a broken file is a one-line error at once
/// instead of a failed build found later.
/// </summary>
public static class ComposeCheck
{
    public static IReadOnlyList<string> Problems(Project project)
    {
        if (project.Spec.Compose is not { } relative) return [];
        var path = Path.Combine(project.Spec.RootDir, relative);
        if (!File.Exists(path)) return [$"compose file {path} does not exist (named by the Coastfile's [coast] compose)."];
        ComposeFile compose;
        try { compose = ComposeFile.Parse(File.ReadAllText(path), relative); }
        catch (ComposeException e) { return [e.Message]; }

        var skipped = project.Spec.SharedServices.Keys.Concat(project.Spec.Omit.Services).ToHashSet();
        var problems = new List<string>();
        foreach (var service in compose.ServiceNames.Where(s => !skipped.Contains(s)))
        {
            ComposeBuild? build;
            try { build = compose.BuildOf(service); }
            catch (ComposeException e) { problems.Add(e.Message); continue; }
            if (build is null)
            {
                if (compose.ImageOf(service) is null) problems.Add($"compose file {relative}: service '{service}' has neither build nor image.");
                continue;
            }
            var context = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, build.Context));
            if (!Directory.Exists(context))
                problems.Add($"compose file {relative}: service '{service}': build context {context} does not exist.");
            else if (!File.Exists(Path.Combine(context, build.Dockerfile)))
                problems.Add($"compose file {relative}: service '{service}': {Path.Combine(context, build.Dockerfile)} does not exist.");
        }
        return problems;
    }
}
