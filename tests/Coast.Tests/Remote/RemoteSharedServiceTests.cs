using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Docker.Images;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Store;
using Coast.Client.Processes;
using Coast.Client.Store;
using Coast.Tests.Infrastructure;
using Coast.Tests.SharedServices;
using Xunit.Abstractions;

using static Coast.Tests.Infrastructure.InstanceHttp;
namespace Coast.Tests.Remote;

/// <summary>
/// A remote instance uses the project's local shared Postgres and gets its secrets, as a local one does: `coast run
/// --remote` on the netns host, the remote compose service connects to `postgres:5432` with the injected DATABASE_URL
/// (its own database from auto_create_db) through the Tunnel's reverse bind, and writes the secret it got (as env and
/// through `${NAME}` interpolation) into a row that the test reads on the local side. `coast secret NAME set` re-renders
/// the remote instance (a new row with the new value). The values appear in no output, log, or agent state; rm leaves
/// nothing on either side.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteSharedServiceTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output)
{
    private RemoteTestHost Host => fixture.Host;

    // The app retries until Postgres answers (as apps do), records what it was given, then serves HTTP for the port check.
    private const string Compose = """
        services:
          postgres:
            image: postgres:16
          app:
            image: coast/postgres:15
            environment:
              FROM_INTERPOLATION: "x-${API_TOKEN}"
            volumes:
              - ./app.sh:/app.sh:ro
            entrypoint: ["sh", "/app.sh"]
            ports:
              - "{web}:3000"
            depends_on:
              - postgres
        """;

    private const string App = """
        #!/bin/sh
        until psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "create table if not exists seen(token text, interp text, url text)"; do sleep 1; done
        printf "insert into seen values (:'t', :'i', :'u');\n" | psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -v t="$API_TOKEN" -v i="$FROM_INTERPOLATION" -v u="$DATABASE_URL"
        mkdir -p /tmp/www && echo ok > /tmp/www/index.html
        getent hosts postgres > /tmp/www/hosts
        exec busybox httpd -f -p 3000 -h /tmp/www
        """;

    private static string Coastfile(string var) => $$"""
        [ports]
        web = {web}

        [shared_services.postgres]
        image = "coast/postgres:15"
        env = { POSTGRES_PASSWORD = "pw" }
        auto_create_db = true

        [secrets.api_token]
        extractor = "env"
        var = "{{var}}"
        inject = "env:API_TOKEN"
        """;

    [Fact]
    public async Task A_remote_service_reads_and_writes_the_local_shared_database_with_its_injected_url_and_secret()
    {
        await SharedServiceWorld.PostgresImageAsync();
        await new RuntimeImageBuilder(Path.Combine(Path.GetTempPath(), "coast-test-images")).EnsureAsync(new Progress<string>(_ => { }));
        var token = $"tok{Guid.NewGuid().ToString("N")[..12]}";
        var var = $"COAST_TEST_TOKEN_{Guid.NewGuid().ToString("N")[..8]}";
        await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
        await using var agent = await RemoteAgentProcess.StartAsync(ssh, Host);
        await using var s = SharedServiceWorld.Create(pg, Coastfile(var), Compose);
        var world = s.World;
        var outputs = new List<string>();
        try
        {
            File.WriteAllText(Path.Combine(world.Dir, "app.sh"), App);
            using (var store = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema))
                await store.Resources.CreateAsync(new RemoteHost
                {
                    Metadata = new ObjectMeta { Name = "th" },
                    Spec = new RemoteHostSpec { Host = Host.Address, Port = Host.Port, User = Host.User, IdentityFile = Host.KeyPath, HostKey = fixture.Pin.Value },
                });
            world.StartController(new Dictionary<string, string> { [var] = token });
            var build = await world.Cli.RunAsync("build");
            build.ExitCode.ShouldBe(0, build.ToString());
            var run = await world.Cli.RunAsync("run", "dev-1", "--remote", "th", "--timeout", "300s");
            outputs.AddRange([build.ToString(), run.ToString()]);
            run.ExitCode.ShouldBe(0, $"{run}\nagent log: {agent.Log()}");
            (await world.LabelledAsync("container")).ShouldBe([s.Container("postgres")], "only the shared service runs here; the instance runs remotely");

            // The row the remote service wrote, read here in the local shared container: its own database, the local URL, the secret.
            var rows = await Poll.ValueAsync(async () => await RowsAsync(s) is { Count: > 0 } r ? r : null, TimeSpan.FromSeconds(60));
            rows.ShouldNotBeNull("the remote service wrote nothing into its database on the local shared Postgres");
            rows[0].ShouldBe($"{token}|x-{token}|postgres://postgres:pw@postgres:5432/dev_1");
            var web = RunPorts(run.Out)["web"];
            (await GetAsync(web, "/hosts")).ShouldStartWith("198.18.0.1", Case.Sensitive, "postgres resolves to its alias inside the remote inner container");
            var tunnel = await TunnelAsync(world);
            var bind = tunnel.Status.ReverseBinds.ShouldHaveSingleItem();
            bind.Name.ShouldBe("postgres");
            bind.Healthy.ShouldBeTrue();
            tunnel.Spec.ReverseBinds.Single().LocalHost.ShouldBe((await s.SharedAsync(pg, "postgres"))!.Status.Address);
            // Bound on the remote engine's bridge gateway only (what the DinD reaches the host by), not on 0.0.0.0:
            // the remote's own network (the namespace's external address) gets a refusal.
            var gateway = (await Host.DockerAsync("network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}")).StandardOutput.Trim();
            tunnel.Spec.ReverseBinds.Single().BindAddress.ShouldBe(gateway);
            var listeners = await ProcessRunner.RunAsync("ip", ["netns", "exec", Host.Netns, "ss", "-Htln", "sport", "=", $":{bind.RemotePort}"]);
            listeners.StandardOutput.Trim().Split('\n').ShouldHaveSingleItem().ShouldContain($"{gateway}:{bind.RemotePort}");
            var outside = await ProcessRunner.RunAsync("ip", ["netns", "exec", Host.Netns, "socat", "-u", $"TCP:{Host.Address}:{bind.RemotePort},connect-timeout=3", "STDOUT"], TimeSpan.FromSeconds(10));
            outside.ExitCode.ShouldNotBe(0);
            outside.StandardError.ShouldContain("Connection refused");
            output.WriteLine($"reverse bind: remote {gateway}:{bind.RemotePort} -> {tunnel.Spec.ReverseBinds.Single().LocalHost}:5432");

            // `remote status` shows the remote DinD's CPU and memory (sampled by the host's probe, every 30 s).
            string? usageLine = null;
            (await Poll.UntilAsync(async () =>
            {
                usageLine = (await world.Cli.RunAsync("remote", "status", "th")).Out.Split('\n').FirstOrDefault(l => l.Contains("dev-1"));
                return usageLine?.Contains("cpu=") == true && usageLine.Contains("mem=");
            }, TimeSpan.FromSeconds(90))).ShouldBeTrue($"remote status: {usageLine}");
            output.WriteLine($"remote status: {usageLine}");

            // A secret set by hand re-renders the remote instance: the service is recreated and writes the new value.
            var manual = $"man{Guid.NewGuid().ToString("N")[..12]}";
            var set = await world.Cli.RunWithInputAsync(manual + "\n", "secret", "api_token", "set");
            set.ExitCode.ShouldBe(0, set.ToString());
            outputs.Add(set.ToString());
            (await Poll.UntilAsync(async () => (await RowsAsync(s)).Any(r => r.StartsWith($"{manual}|x-{manual}|")), TimeSpan.FromSeconds(90)))
                .ShouldBeTrue($"rows: {string.Join("; ", await RowsAsync(s))}\nagent log: {agent.Log()}");

            foreach (var args in new[] { new[] { "get", "instances", "-o", "yaml" }, ["describe", "instance", "dev-1"], ["ls"], ["ps", "dev-1"] })
                outputs.Add((await world.Cli.RunAsync(args)).ToString());
            outputs.Add(string.Join('\n', world.ControllerLog));
            outputs.Add(agent.Log());
            outputs.Add(System.Text.Encoding.Latin1.GetString(await ReadAllAsync(Path.Combine(agent.Home, "agent.db"))));
            outputs.Add(System.Text.Encoding.Latin1.GetString(await ReadAllAsync(Path.Combine(agent.Home, "agent.db-wal"))));
            using (var http = new HttpClient())
                outputs.Add(await http.GetStringAsync($"http://127.0.0.1:{agent.Forward.BoundPort}/v1/instances"));
            var everything = string.Join('\n', outputs);
            foreach (var secret in new[] { token, manual })
                everything.Contains(secret).ShouldBeFalse($"'{secret}' appears in Coast's output, a log or the agent's state");

            var rm = await world.Cli.RunAsync("rm", "dev-1");
            rm.ExitCode.ShouldBe(0, rm.ToString());
            (await Host.DockerAsync("ps", "-aq", "--filter", $"label=coast.project={world.Project}")).StandardOutput.Trim().ShouldBeEmpty();
            (await Host.DockerAsync("volume", "ls", "-q", "--filter", $"label=coast.project={world.Project}")).StandardOutput.Trim().ShouldBeEmpty();
            (await Poll.UntilAsync(async () => !(await ssh.RunAsync(["ss", "-Htln", $"sport = :{bind.RemotePort}"])).StandardOutput.Contains(':'), TimeSpan.FromSeconds(20)))
                .ShouldBeTrue("the reverse bind goes with the instance");
        }
        finally
        {
            await Host.DockerAsync("rm", "-f", $"{world.Project}-coasts-dev-1");
            await Host.DockerAsync("volume", "rm", "-f", $"coast-dind--{world.Project}--dev-1");
        }
    }

    private static async Task<List<string>> RowsAsync(SharedServiceWorld s)
    {
        var r = await ProcessRunner.RunAsync("docker", ["exec", s.Container("postgres"), "psql", "-U", "postgres", "-d", "dev_1", "-tA", "-c",
            "select token || '|' || interp || '|' || url from seen"], TimeSpan.FromSeconds(30));
        return r.ExitCode == 0 ? [.. r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)] : [];
    }

    private async Task<Tunnel> TunnelAsync(Coast.Tests.Instances.CoastWorld world)
    {
        using var store = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema);
        return (Tunnel)(await store.Resources.GetAsync(new ResourceKey(Tunnel.KindName, world.Project, "dev-1")))!;
    }

    private static async Task<byte[]> ReadAllAsync(string path) => File.Exists(path) ? await File.ReadAllBytesAsync(path) : [];
}
