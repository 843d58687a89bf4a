using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker.Images;
using Coast.Client.Processes;
using Coast.Controller.Store;
using Coast.Client.Store;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.SharedServices;

/// <summary>
/// A <see cref="CoastWorld"/> whose project has shared services: the Coastfile and compose file a test writes
/// (`{web}` is a free canonical port, `{project}` the world's project name). Disposal removes the world's
/// containers and volumes, then the project's shared network (which the world knows nothing about).
/// </summary>
public sealed class SharedServiceWorld : IAsyncDisposable
{
    private SharedServiceWorld(CoastWorld world) => World = world;

    public CoastWorld World { get; }
    public string Project => World.Project;
    public string Network => $"coast-shared-{Project}";
    public string Container(string service) => $"{Project}-shared-services-{service}";

    /// <summary>Coast's Postgres image, built once on this machine from Debian packages (cached by its recipe label).</summary>
    public static Task<string> PostgresImageAsync() =>
        PostgresImage.EnsureAsync(Path.Combine(Path.GetTempPath(), "coast-test-images"), new Progress<string>(_ => { }));

    public static SharedServiceWorld Create(PostgresFixture pg, string coastfileBody, string? compose)
    {
        var world = new CoastWorld(pg);
        string Fill(string text) => text.Replace("{web}", world.CanonicalPorts["web"].ToString()).Replace("{project}", world.Project);
        var composePath = Path.Combine(world.Dir, "docker-compose.yml");
        if (compose is null) File.Delete(composePath);
        else File.WriteAllText(composePath, Fill(compose));
        var head = $"[coast]\nname = \"{world.Project}\"\n" + (compose is null ? "" : "compose = \"docker-compose.yml\"\n");
        File.WriteAllText(Path.Combine(world.Dir, "Coastfile"), head + Fill(coastfileBody));
        return new SharedServiceWorld(world);
    }

    public async Task<SharedService?> SharedAsync(PostgresFixture pg, string service)
    {
        using var coast = await CoastStore.OpenAsync(pg.ConnectionString, World.Schema);
        return (SharedService?)await coast.Resources.GetAsync(new ResourceKey(SharedService.KindName, Project, service));
    }

    public static async Task<string> DockerAsync(params string[] args)
    {
        var r = await ProcessRunner.RunAsync("docker", args, TimeSpan.FromMinutes(2));
        return (r.StandardOutput + r.StandardError).Trim();
    }

    /// <summary>Runs a command in the inner compose container of a service of an instance (docker exec inside the DinD).</summary>
    public async Task<(int ExitCode, string Output)> InnerExecAsync(string instance, string service, params string[] command)
    {
        var dind = $"{Project}-coasts-{instance}";
        var r = await ProcessRunner.RunAsync("docker", ["exec", dind, "docker", "exec", $"coast-{Project}_{service}_1", .. command], TimeSpan.FromMinutes(1));
        return (r.ExitCode, (r.StandardOutput + r.StandardError).Trim());
    }

    public async Task<bool> ExistsAsync(string what, string name) =>
        (await ProcessRunner.RunAsync("docker", [what, "inspect", name], TimeSpan.FromSeconds(30))).ExitCode == 0;

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync();
        await ProcessRunner.RunAsync("docker", ["network", "rm", Network], TimeSpan.FromSeconds(30));
    }
}
