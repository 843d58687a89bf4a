using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker.Images;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;

namespace Coast.Tests.Remote;

/// <summary>
/// hello-stack with RemoteHost "th" declared, an agent on the test host, a controller and a build, for tests that
/// run instances remotely through the real controller and `coast`; removes the instances' containers and volumes
/// on the remote engine afterwards, also after a failure.
/// </summary>
public static class RemoteWorld
{
    public static async Task RunAsync(RemoteHostFixture fixture, PostgresFixture pg, Func<CoastWorld, RemoteAgentProcess, Task> body,
        Func<string, string>? coastfile = null, Func<CoastWorld, Task>? prepare = null)
    {
        var host = fixture.Host;
        await new RuntimeImageBuilder(Path.Combine(Path.GetTempPath(), "coast-test-images")).EnsureAsync(new Progress<string>(_ => { }));
        await using var ssh = await SshConnection.OpenAsync(host.Target, fixture.Pin);
        await using var agent = await RemoteAgentProcess.StartAsync(ssh, host);
        await using var world = new CoastWorld(pg);
        try
        {
            if (coastfile is not null)
                File.WriteAllText(Path.Combine(world.Dir, "Coastfile"), coastfile(File.ReadAllText(Path.Combine(world.Dir, "Coastfile"))));
            if (prepare is not null) await prepare(world);
            using (var store = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema))
                await store.Resources.CreateAsync(new RemoteHost
                {
                    Metadata = new ObjectMeta { Name = "th" },
                    Spec = new RemoteHostSpec { Host = host.Address, Port = host.Port, User = host.User, IdentityFile = host.KeyPath, HostKey = fixture.Pin.Value },
                });
            world.StartController();
            var build = await world.Cli.RunAsync("build");
            build.ExitCode.ShouldBe(0, build.ToString());
            await body(world, agent);
        }
        finally
        {
            foreach (var name in new[] { "dev-1", "dev-2" })
            {
                await host.DockerAsync("rm", "-f", $"{world.Project}-coasts-{name}");
                await host.DockerAsync("volume", "rm", "-f", $"coast-dind--{world.Project}--{name}");
            }
        }
    }
}
