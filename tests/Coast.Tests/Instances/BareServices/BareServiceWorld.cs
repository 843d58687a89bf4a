using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Instances.BareServices;
using Coast.Client.Processes;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Instances.BareServices;

/// <summary>
/// A <see cref="CoastWorld"/> whose project has no compose file, only the Coastfile a test writes (bare
/// services), with helpers to read an instance's stored status and to run commands inside it.
/// </summary>
public static class BareServiceWorld
{
    /// <summary>A world with the given Coastfile body after `[coast] name` (`{web}` is replaced by a free canonical port).</summary>
    public static CoastWorld Create(PostgresFixture pg, string body, string coastExtra = "")
    {
        var world = new CoastWorld(pg);
        File.Delete(Path.Combine(world.Dir, "docker-compose.yml"));
        var text = $"[coast]\nname = \"{world.Project}\"\n{coastExtra}\n" + body.Replace("{web}", world.CanonicalPorts["web"].ToString());
        File.WriteAllText(Path.Combine(world.Dir, "Coastfile"), text);
        return world;
    }

    public static string Container(CoastWorld world, string instance) => $"{world.Project}-coasts-{instance}";

    public static async Task<Instance> InstanceAsync(CoastWorld world, PostgresFixture pg, string name)
    {
        using var coast = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        return (Instance)(await coast.Resources.GetAsync(new ResourceKey(Instance.KindName, world.Project, name)))!;
    }

    public static async Task<string> ExecAsync(CoastWorld world, string instance, params string[] command)
    {
        var r = await ProcessRunner.RunAsync("docker", ["exec", Container(world, instance), .. command]);
        return r.StandardOutput + r.StandardError;
    }

    /// <summary>The supervisor's own view (not the stored status): "NAME STATE RESTARTS EXIT ALIVE" lines.</summary>
    public static async Task<IReadOnlyList<BareServiceState>> StatesAsync(CoastWorld world, string instance) =>
        BareServiceSupervisor.Parse(await ExecAsync(world, instance, "sh", "/coast/bin/coast-services", "status"));

    public static async Task<BareServiceState?> StateAsync(CoastWorld world, string instance, string service) =>
        (await StatesAsync(world, instance)).FirstOrDefault(s => s.Name == service);
}
