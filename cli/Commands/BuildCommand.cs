using Coast.ApiTypes.Images;
using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Client.Database;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast build`: writes the Project from ./Coastfile and a Build for its content, then waits for the images.</summary>
public static class BuildCommand
{
    private static readonly IReadOnlySet<string> Failures = BuildReasons.Failures;

    /// <summary>What a build depends on: the Coastfile chain, the compose file it names, the Dockerfiles of its `build:`
    /// services (an edited Dockerfile is a new build, tried at once), and the runtime image recipe (an instance
    /// image is built FROM the runtime image, so a new entrypoint means a new build).</summary>
    private static string BuildHash(string coastfileHash, Project project)
    {
        var composePath = project.Spec.Compose is { } c ? Path.Combine(project.Spec.RootDir, c) : null;
        var compose = composePath is not null && File.Exists(composePath) ? File.ReadAllText(composePath) : "";
        var text = new System.Text.StringBuilder(coastfileHash).Append('\n').Append(ImageRecipes.RuntimeContentHash).Append('\n').Append(compose);
        foreach (var dockerfile in Dockerfiles(composePath, compose))
            text.Append('\n').Append(File.Exists(dockerfile) ? File.ReadAllText(dockerfile) : "");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The Dockerfile of each `build:` service, in service order; none when the file does not parse (the controller reports that).</summary>
    private static IEnumerable<string> Dockerfiles(string? composePath, string compose)
    {
        if (composePath is null || compose.Length == 0) return [];
        try
        {
            var parsed = Coast.ApiTypes.Compose.ComposeFile.Parse(compose, composePath);
            return parsed.ServiceNames.Select(parsed.BuildOf).OfType<Coast.ApiTypes.Compose.ComposeBuild>()
                .Select(b => Path.Combine(Path.GetDirectoryName(composePath)!, b.Context, b.Dockerfile)).ToList();
        }
        catch (Coast.ApiTypes.Compose.ComposeException)
        {
            return [];
        }
    }

    public static Command Create(CliServices cli)
    {
        var file = new Option<string?>("--file", "-f") { Description = "Coastfile to use (default: ./Coastfile)." };
        var type = new Option<string?>("--type", "-t") { Description = "Coastfile variant: reads Coastfile.<type>." };
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(20));
        var command = new Command("build", "Build the project's images from ./Coastfile (compose build: services and the instance image).") { file, type, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var loaded = LocalProject.Load(parse.GetValue(file), parse.GetValue(type), cli.Err);
            var project = loaded.Project;
            if (ComposeCheck.Problems(project) is { Count: > 0 } problems) throw new ManifestProblemsException(problems);
            if (await Coastd.RunAsync(["images", "ensure-runtime"], cli.Out.WriteLine, token) != 0)
                throw new CliException("the runtime image could not be built (see above).");
            var store = await cli.StoreAsync(token);
            await LocalProject.RequireNotDeletingAsync(store, project.Metadata.Name, token);
            await store.ApplyAsync([project], token);
            var stored = await store.GetAsync(project.Key, token) ?? throw new NotFoundException(project.Key);
            var hash = BuildHash(loaded.ContentHash, project);
            var build = new Build
            {
                Metadata = { Name = LocalProject.BuildName(hash), Namespace = project.Metadata.Name },
                Spec = { Project = project.Metadata.Name, CoastfileHash = hash },
            };
            Owners.Set(build, stored);
            await cli.EnsureControllerAsync(token);
            // A build that failed before is retried from scratch, not reported again. Its finalizer removes
            // what it left behind first, so wait until it is gone before writing the new one under its name.
            if (await store.GetAsync(build.Key, token) is Build previous
                && Conditions.Get(previous.Status.Conditions, "Ready") is { Status: ConditionStatus.False } failed && Failures.Contains(failed.Reason))
            {
                if (!await store.DeleteAsync(build.Key, token))
                    await StatusWaiter.WaitAsync(store, build.Key, r => r is null, TimeSpan.FromMinutes(1), token);
            }
            await store.ApplyAsync([build], token);
            cli.Out.WriteLine($"Building {project.Metadata.Name} ({build.Metadata.Name})...");
            var done = (Build)await ProgressWaiter.WaitAsync(store, build.Key, "Ready", cli.Out, parse.GetValue(timeout), token, Failures);
            cli.Out.WriteLine($"Build complete: {done.Metadata.Name}, {done.Status.Images.Count} service image(s), instance image {done.Status.InstanceImage}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
