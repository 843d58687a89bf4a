using System.Net.Http;
using Coast.ApiTypes.Kinds;
using Coast.Tests.Infrastructure;
using Coast.Tests.Instances;
using Npgsql;
using static Coast.Tests.Instances.BareServices.BareServiceWorld;

namespace Coast.Tests.Secrets;

/// <summary>
/// Secrets on the real engine and real DinD: extracted on the host by the controller (env and command extractors),
/// injected into a compose service (also through `${NAME}` interpolation, and as a file) and into a bare service,
/// replaced by `coast secret NAME set` in running services; and the values appear nowhere in Coast's output,
/// its controller log, or its database. A failing extractor fails `coast run` with one clear line and creates nothing.
/// </summary>
[Collection("docker-features")]
[Trait("Category", Category.Docker)]
public sealed class SecretInstanceTests(DockerFixture docker, PostgresFixture pg, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly DockerFixture _docker = docker;

    private const string Compose = """
        services:
          web:
            image: coast/base:bookworm
            init: true
            environment:
              FROM_INTERPOLATION: "x-${API_TOKEN}"
            command: ["sh", "-c", "mkdir -p /www && printf '%s' \"$$API_TOKEN\" > /www/token && printf '%s' \"$$FROM_INTERPOLATION\" > /www/interp && cp /run/coast-test/cert /www/cert && exec busybox httpd -f -p {web} -h /www"]
            ports:
              - "{web}:{web}"
        """;

    private const string Coastfile = """
        [coast]
        name = "{project}"
        compose = "docker-compose.yml"

        [ports]
        web = {web}
        bare = {bare}

        [services.bare]
        command = "mkdir -p /tmp/b && printf '%s' \"$API_TOKEN\" > /tmp/b/token && cp /run/coast-test/cert /tmp/b/cert && exec busybox httpd -f -p {bare} -h /tmp/b"
        port = {bare}
        restart = "on-failure"

        [secrets.api_token]
        extractor = "env"
        var = "{var}"
        inject = "env:API_TOKEN"

        [secrets.cert]
        extractor = "command"
        run = "cat {certfile}"
        inject = "file:/run/coast-test/cert"
        """;

    private static (CoastWorld World, int Web, int Bare) Create(PostgresFixture pg, string var, string certFile)
    {
        var world = new CoastWorld(pg);
        var web = world.CanonicalPorts["web"];
        var bare = FreePorts.Canonical();
        string Fill(string t) => t.Replace("{project}", world.Project).Replace("{web}", web.ToString()).Replace("{bare}", bare.ToString())
            .Replace("{var}", var).Replace("{certfile}", certFile);
        File.WriteAllText(Path.Combine(world.Dir, "Coastfile"), Fill(Coastfile));
        File.WriteAllText(Path.Combine(world.Dir, "docker-compose.yml"), Fill(Compose));
        return (world, web, bare);
    }

    [Fact]
    public async Task A_secret_reaches_compose_interpolation_and_bare_services_and_appears_nowhere_in_coast()
    {
        var rand = Guid.NewGuid().ToString("N")[..12];
        var token = $"tok-{rand} $HOME 'q' \"dq\" \\b";
        var cert = $"cert-{Guid.NewGuid().ToString("N")[..12]}";
        var other = Guid.NewGuid().ToString("N")[..12];
        var var = $"COAST_TEST_TOKEN_{other}";
        var certFile = Path.Combine(Path.GetTempPath(), $"coast-test-cert-{other}");
        await File.WriteAllTextAsync(certFile, cert + "\n");
        var (world, web, bare) = Create(pg, var, certFile);
        await using var _ = world;
        try
        {
            world.StartController(new Dictionary<string, string> { [var] = token });
            var outputs = new List<string>();
            var build = await world.Cli.RunAsync("build");
            build.ExitCode.ShouldBe(0, build.ToString());
            var run = await world.Cli.RunAsync("run", "dev-1");
            run.ExitCode.ShouldBe(0, run.ToString());
            outputs.Add(build.ToString());
            outputs.Add(run.ToString());

            var instance = await InstanceAsync(world, pg, "dev-1");
            var webPort = instance.Status.Ports.Single(p => p.Name == "web").Dynamic;
            var barePort = instance.Status.Ports.Single(p => p.Name == "bare").Dynamic;
            (await Http.GetStringAsync($"http://127.0.0.1:{webPort}/token")).ShouldBe(token);
            (await Http.GetStringAsync($"http://127.0.0.1:{webPort}/interp")).ShouldBe("x-" + token);
            (await Http.GetStringAsync($"http://127.0.0.1:{webPort}/cert")).ShouldBe(cert);
            (await Http.GetStringAsync($"http://127.0.0.1:{barePort}/token")).ShouldBe(token);
            (await Http.GetStringAsync($"http://127.0.0.1:{barePort}/cert")).ShouldBe(cert);

            // Set by hand (from stdin): running services get the new value.
            var manual = $"manual-{Guid.NewGuid().ToString("N")[..12]}";
            var set = await world.Cli.RunWithInputAsync(manual + "\n", "secret", "api_token", "set");
            set.ExitCode.ShouldBe(0, set.ToString());
            outputs.Add(set.ToString());
            (await Poll.UntilAsync(async () => await GetAsync(webPort, "token") == manual && await GetAsync(barePort, "token") == manual, TimeSpan.FromSeconds(60)))
                .ShouldBeTrue($"web: {await GetAsync(webPort, "token")}, bare: {await GetAsync(barePort, "token")}");
            (await GetAsync(webPort, "interp")).ShouldBe("x-" + manual);

            // Extracted again on request: the file reaches the running compose service (same mount) and the instance.
            var cert2 = $"cert-{Guid.NewGuid().ToString("N")[..12]}";
            await File.WriteAllTextAsync(certFile, cert2 + "\n");
            var rerun = await world.Cli.RunAsync("rerun-extractors", "cert");
            rerun.ExitCode.ShouldBe(0, rerun.ToString());
            rerun.Out.ShouldContain("Extracted secret cert");
            outputs.Add(rerun.ToString());
            (await Poll.UntilAsync(async () => (await ExecAsync(world, "dev-1", "cat", "/run/coast-test/cert")) == cert2
                    && (await ExecAsync(world, "dev-1", "docker", "exec", $"coast-{world.Project}_web_1", "cat", "/run/coast-test/cert")) == cert2,
                TimeSpan.FromSeconds(30))).ShouldBeTrue(await ExecAsync(world, "dev-1", "docker", "exec", $"coast-{world.Project}_web_1", "cat", "/run/coast-test/cert"));

            var list = await world.Cli.RunAsync("secret", "list");
            list.ExitCode.ShouldBe(0, list.ToString());
            list.Out.ShouldContain("api_token");
            list.Out.ShouldContain("manual");
            list.Out.ShouldContain("cert");
            list.Out.ShouldContain("command");
            outputs.Add(list.ToString());
            foreach (var args in new[]
            {
                new[] { "get", "secrets", "-o", "yaml" }, ["get", "secrets", "-o", "json"], ["get", "instances", "-o", "yaml"], ["get", "projects", "-o", "yaml"],
                ["describe", "instance", "dev-1"], ["describe", "secret", "api-token"], ["describe", "secret", "cert"], ["describe", "project", world.Project],
                ["ls"], ["ps", "dev-1"],
            })
            {
                var r = await world.Cli.RunAsync(args);
                r.ExitCode.ShouldBe(0, $"{string.Join(' ', args)}: {r}");
                outputs.Add(r.ToString());
            }
            outputs.Add(string.Join('\n', world.ControllerLog));
            outputs.Add(await DatabaseTextAsync(world.Schema));
            var everything = string.Join('\n', outputs);
            foreach (var secret in new[] { rand, cert[5..], cert2[5..], manual })
                everything.Contains(secret).ShouldBeFalse($"'{secret}' appears in Coast's output, log or database");
            output.WriteLine($"checked {everything.Length} characters of output, log and database text");
        }
        finally { File.Delete(certFile); }
    }

    [Fact]
    public async Task A_failing_extractor_fails_run_with_one_clear_line_and_creates_nothing()
    {
        var rand = Guid.NewGuid().ToString("N")[..12];
        var var = $"COAST_TEST_UNSET_{rand}";
        var (world, _, _) = Create(pg, var, "/nonexistent/coast-cert");
        await using var __ = world;
        world.StartController();
        (await world.Cli.RunAsync("build")).ExitCode.ShouldBe(0);
        var started = DateTime.UtcNow;
        var run = await world.Cli.RunAsync("run", "dev-1", "--timeout", "60s");
        run.ExitCode.ShouldNotBe(0);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(30));
        (run.Out + run.Err).ShouldContain($"secret 'api_token': environment variable '{var}' is not set in the controller's environment");
        (run.Out + run.Err).ShouldNotContain("   at ");
        (await world.LabelledAsync("container")).ShouldBeEmpty();
        (await world.LabelledAsync("volume")).ShouldBeEmpty();

        var secret = await world.Cli.RunAsync("describe", "secret", "cert");
        secret.Out.ShouldContain("secret 'cert': command exited with code 1");
    }

    private static async Task<string?> GetAsync(int port, string file)
    {
        try { return await Http.GetStringAsync($"http://127.0.0.1:{port}/{file}"); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>Every row of every table in the world's schema, as text.</summary>
    private async Task<string> DatabaseTextAsync(string schema)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = @s", conn))
        {
            cmd.Parameters.AddWithValue("s", schema);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        tables.ShouldNotBeEmpty();
        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"select t::text from \"{schema}\".\"{table}\" t", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) text.AppendLine(reader.GetString(0));
        }
        text.ToString().ShouldContain("sealed1:");
        return text.ToString();
    }
}
