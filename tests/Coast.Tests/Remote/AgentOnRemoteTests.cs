using System.Net.Sockets;
using Coast.Controller.Remote.Ssh;
using Coast.RemoteAgent;
using Coast.Tests.Infrastructure;
using static Coast.Tests.Remote.RemoteProbes;

namespace Coast.Tests.Remote;

/// <summary>
/// The agent on the "remote machine" (the netns test host): started over SSH, it answers through a
/// local forward of the controller's kind, and nothing answers on the machine's network address.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class AgentOnRemoteTests(RemoteHostFixture fixture)
{
    private RemoteTestHost Host => fixture.Host;

    [Fact]
    public async Task The_agent_answers_through_the_ssh_forward_and_only_on_loopback()
    {
        await using var ssh = await SshConnection.OpenAsync(Host.Target, fixture.Pin);
        var dll = Path.Combine(AppContext.BaseDirectory, "coast-agent.dll");
        var home = Path.Combine(Host.StateDir, $"agent-{Guid.NewGuid().ToString("N")[..6]}");
        // The agent runs inside the namespace; the test host's cgroup takes it down with `down` too.
        var start = await ssh.RunAsync(["sh", "-c", "setsid dotnet \"$0\" --port \"$1\" --home \"$2\" >\"$2.log\" 2>&1 </dev/null & echo $!",
            dll, AgentOptions.DefaultPort.ToString(), home]);
        start.ExitCode.ShouldBe(0, start.StandardError);
        var pid = start.StandardOutput.Trim();
        try
        {
            var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", AgentOptions.DefaultPort));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            string? health = null;
            (await Poll.UntilAsync(async () =>
            {
                try { health = await http.GetStringAsync($"http://127.0.0.1:{forward.BoundPort}/health"); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                return health == "ok";
            }, TimeSpan.FromSeconds(60))).ShouldBeTrue($"the agent did not answer through the forward: {SafeRead(home + ".log")}");

            // The namespace's own address (a network of this test's making) has nothing on the agent's port.
            using var direct = new TcpClient();
            var refused = await Should.ThrowAsync<SocketException>(async () =>
                await direct.ConnectAsync(Host.Address, AgentOptions.DefaultPort).WaitAsync(TimeSpan.FromSeconds(5)));
            refused.SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
            var listening = await ssh.RunAsync(["ss", "-Htln", $"sport = :{AgentOptions.DefaultPort}"]);
            listening.StandardOutput.ShouldContain($"127.0.0.1:{AgentOptions.DefaultPort}");
            listening.StandardOutput.ShouldNotContain($"0.0.0.0:{AgentOptions.DefaultPort}");
        }
        finally
        {
            await ssh.RunAsync(["kill", pid]);
            await Poll.UntilAsync(async () => (await ssh.RunAsync(["kill", "-0", pid])).ExitCode != 0, TimeSpan.FromSeconds(10));
            await ssh.RunAsync(["rm", "-rf", home, home + ".log"]);
        }
    }

    private static string SafeRead(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no log)";
}
