using Coast.ApiTypes.Images;
using System.Text;
using Coast.ApiTypes.Kinds;

namespace Coast.Controller.Docker.Images;

/// <summary>The instance image: the runtime image plus a project's [coast.setup] packages, commands and files.</summary>
public static class SetupDockerfile
{
    public static bool IsNeeded(SetupSpec setup) => setup.Packages.Count + setup.Run.Count + setup.Files.Count > 0;

    public static string Render(SetupSpec setup)
    {
        var sb = new StringBuilder($"FROM {ImageRecipes.RuntimeImage}\n");
        if (setup.Packages.Count > 0)
            sb.Append("RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ")
              .Append(string.Join(' ', setup.Packages)).Append(" && rm -rf /var/lib/apt/lists/*\n");
        for (var i = 0; i < setup.Files.Count; i++)
        {
            sb.Append($"COPY file{i} {setup.Files[i].Path}\n");
            if (setup.Files[i].Mode is { } mode) sb.Append($"RUN chmod {mode} {setup.Files[i].Path}\n");
        }
        foreach (var run in setup.Run) sb.Append("RUN ").Append(run.Replace("\n", " \\\n ")).Append('\n');
        return sb.ToString();
    }

    public static async Task BuildAsync(IContainerEngine engine, SetupSpec setup, string tag, CancellationToken ct)
    {
        var context = Directory.CreateTempSubdirectory("coast-setup-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), Render(setup), ct);
            for (var i = 0; i < setup.Files.Count; i++) await File.WriteAllTextAsync(Path.Combine(context, $"file{i}"), setup.Files[i].Content, ct);
            await engine.BuildImageAsync(new ImageBuildRequest(context, "Dockerfile", tag, new Dictionary<string, string> { [CoastLabels.Managed] = "true" },
                new Dictionary<string, string>()), new Progress<string>(_ => { }), ct);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
