using Coast.ApiTypes.Images;
using Coast.ApiTypes.Model;
using System.Diagnostics;
using Coast.ApiTypes.Remote;
using Coast.Controller.Docker;
using Coast.Controller.Docker.Images;
using Coast.Controller.Remote.Agent;
using Coast.Controller.Remote.Ssh;
using Coast.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coast.Tests.Remote;

/// <summary>
/// The agent converges a real DinD instance on the netns host's own engine, with the controller's runtime code:
/// images go over the SSH connection (only those it lacks), the workspace is copied, the inner service answers
/// through an SSH forward to its remote dynamic port; exec (exit code), logs and ps stream; a killed DinD
/// container and a killed inner service come back; DELETE leaves nothing on the remote.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class AgentDindTests(RemoteHostFixture fixture, ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private RemoteTestHost Host => fixture.Host;

    [Fact]
    public async Task The_agent_runs_a_dind_instance_on_the_remote_engine_repairs_drift_and_removes_everything()
    {
        var sw = Stopwatch.StartNew();
        await new RuntimeImageBuilder(Path.Combine(Path.GetTempPath(), "coast-test-images")).EnsureAsync(new Progress<string>(_ => { }));
        output.WriteLine($"runtime images ready locally in {sw.Elapsed.TotalSeconds:0.0}s");

        await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
        await using var agent = await RemoteAgentProcess.StartAsync(ssh, Host);
        var project = $"rp{Guid.NewGuid().ToString("N")[..6]}";
        const string name = "dev-1";
        var canonical = FreePorts.Canonical();
        try
        {
            // Another test of the collection may have sent them already: start from an engine without them.
            await Host.DockerAsync("rmi", "-f", ImageRecipes.RuntimeImage, ImageRecipes.BaseImage);
            sw.Restart();
            var sent = await RemoteImages.SendMissingAsync(agent.Client, [ImageRecipes.RuntimeImage, ImageRecipes.BaseImage], default);
            output.WriteLine($"sent {string.Join(", ", sent)} over ssh in {sw.Elapsed.TotalSeconds:0.0}s");
            sent.ShouldBe([ImageRecipes.RuntimeImage, ImageRecipes.BaseImage], ignoreOrder: true);
            (await RemoteImages.SendMissingAsync(agent.Client, [ImageRecipes.RuntimeImage, ImageRecipes.BaseImage], default))
                .ShouldBeEmpty("an image the remote has with the same id is not sent again");

            var workspace = Directory.CreateTempSubdirectory("coast-ws-").FullName;
            try
            {
                Directory.CreateDirectory(Path.Combine(workspace, "www"));
                await File.WriteAllTextAsync(Path.Combine(workspace, "www", "index.html"), "hello from the remote\n");
                await WorkspaceCopy.UploadAsync(agent.Client, project, name, workspace, default);
            }
            finally { Directory.Delete(workspace, recursive: true); }

            sw.Restart();
            await agent.Client.PutAsync(project, name, Spec(canonical), default);
            var running = await UntilPhaseAsync(agent, project, name, "Running", TimeSpan.FromMinutes(3));
            output.WriteLine($"remote instance running {sw.Elapsed.TotalSeconds:0.0}s after PUT (images already on the remote engine)");
            var port = running.Status.Ports.ShouldHaveSingleItem();
            port.Canonical.ShouldBe(canonical);
            running.Status.Conditions.ShouldContain(c => c.Type == "Ready" && c.Status == "True");
            var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", port.RemoteDynamic));
            (await GetAsync(forward.BoundPort)).ShouldContain("hello from the remote");

            // exec with its exit code, in the instance and in a service; ps; logs.
            var stdout = new StringWriter();
            (await agent.Client.ExecAsync(project, name, "web", ["cat", "/www/index.html"], stdout, TextWriter.Null, default)).ShouldBe(0);
            stdout.ToString().ShouldContain("hello from the remote");
            (await agent.Client.ExecAsync(project, name, null, ["sh", "-c", "echo oops >&2; exit 7"], TextWriter.Null, stdout, default)).ShouldBe(7);
            stdout.ToString().ShouldContain("oops");
            (await agent.Client.PsAsync(project, name, default)).ShouldContain(s => s.Service == "web" && s.State == "running");
            var logs = new StringWriter();
            await agent.Client.LogsAsync(project, name, "web", 20, follow: false, logs, default);
            logs.ToString().ShouldContain("web");

            // Drift: a killed inner service, then a killed DinD container, come back without any new PUT.
            var container = CoastNames.InstanceContainer(project, name);
            (await Host.DockerAsync("exec", container, "sh", "-c", "docker kill $(docker ps -q)")).ExitCode.ShouldBe(0);
            await UntilAnswersAsync(forward.BoundPort, "after its inner service was killed", agent);
            sw.Restart();
            (await Host.DockerAsync("kill", container)).ExitCode.ShouldBe(0);
            await UntilAnswersAsync(forward.BoundPort, "after its DinD container was killed", agent);
            output.WriteLine($"killed DinD container answering again after {sw.Elapsed.TotalSeconds:0.0}s");

            await ssh.RemoveForwardAsync(forward);
            (await agent.Client.DeleteAsync(project, name, default)).ShouldBeTrue();
            (await Poll.UntilAsync(async () => await agent.Client.GetAsync(project, name, default) is null, TimeSpan.FromMinutes(1)))
                .ShouldBeTrue($"the instance was not removed: {agent.Log()}");
            (await Host.DockerAsync("ps", "-aq", "--filter", $"label={CoastLabels.Project}={project}")).StandardOutput.Trim().ShouldBeEmpty();
            (await Host.DockerAsync("volume", "ls", "-q", "--filter", $"label={CoastLabels.Project}={project}")).StandardOutput.Trim().ShouldBeEmpty();
            (await ssh.RunAsync(["test", "-e", Path.Combine(agent.Home, "workspaces", project, name)])).ExitCode.ShouldNotBe(0);
        }
        finally
        {
            await Host.DockerAsync("rm", "-f", CoastNames.InstanceContainer(project, name));
            await Host.DockerAsync("volume", "rm", "-f", CoastNames.DindVolume(project, name));
        }
    }

    private static RemoteInstanceSpec Spec(int canonical) => new()
    {
        DesiredState = "Running",
        Ports = new() { ["web"] = canonical },
        Build = "b-1",
        InstanceImage = ImageRecipes.RuntimeImage,
        Images = [ImageRecipes.BaseImage],
        Compose = $$"""
            services:
              web:
                image: {{ImageRecipes.BaseImage}}
                init: true
                command: ["busybox", "httpd", "-f", "-vv", "-p", "{{canonical}}", "-h", "/www"]
                ports: ["{{canonical}}:{{canonical}}"]
                volumes: ["./www:/www:ro"]
            """,
    };

    private static async Task<RemoteInstance> UntilPhaseAsync(RemoteAgentProcess agent, string project, string name, string phase, TimeSpan within)
    {
        RemoteInstance? last = null;
        var ok = await Poll.UntilAsync(async () => (last = await agent.Client.GetAsync(project, name, default))?.Status.Phase == phase, within);
        ok.ShouldBeTrue($"phase {last?.Status.Phase}: {last?.Status.Message}; agent log: {agent.Log()}");
        return last!;
    }

    private static async Task UntilAnswersAsync(int port, string when, RemoteAgentProcess agent)
    {
        var ok = await Poll.UntilAsync(async () => (await TryGetAsync(port))?.Contains("hello from the remote") == true, TimeSpan.FromMinutes(1));
        ok.ShouldBeTrue($"the service did not answer {when}; agent log: {agent.Log()}");
    }

    private static async Task<string> GetAsync(int port) => await Http.GetStringAsync($"http://127.0.0.1:{port}/index.html");

    private static async Task<string?> TryGetAsync(int port)
    {
        try { return await GetAsync(port); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
    }
}
