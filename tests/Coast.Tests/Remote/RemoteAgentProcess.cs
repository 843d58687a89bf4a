using Coast.Controller.Remote.Agent;
using Coast.Controller.Remote.Ssh;
using Coast.RemoteAgent;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Remote;

/// <summary>
/// The agent started over SSH on the netns test host (from this build's output), reached through a local forward
/// of the controller's kind. Disposal kills it by pid and removes its home, also after a failure.
/// </summary>
public sealed class RemoteAgentProcess : IAsyncDisposable
{
    private readonly SshConnection _ssh;
    private readonly string _pid;

    private RemoteAgentProcess(SshConnection ssh, string pid, string home, LocalForward forward)
    {
        _ssh = ssh;
        _pid = pid;
        Home = home;
        Forward = forward;
        Client = new AgentClient(forward.BoundPort);
    }

    public string Home { get; }
    public LocalForward Forward { get; }
    public AgentClient Client { get; }

    public static async Task<RemoteAgentProcess> StartAsync(SshConnection ssh, RemoteTestHost host, int port = AgentOptions.DefaultPort)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "coast-agent.dll");
        var home = Path.Combine(host.StateDir, $"agent-{Guid.NewGuid().ToString("N")[..6]}");
        // The agent runs inside the namespace; the test host's cgroup takes it down with `down` too.
        var start = await ssh.RunAsync(["sh", "-c", "setsid dotnet \"$0\" --port \"$1\" --home \"$2\" >\"$2.log\" 2>&1 </dev/null & echo $!",
            dll, port.ToString(), home]);
        start.ExitCode.ShouldBe(0, start.StandardError);
        var agent = new RemoteAgentProcess(ssh, start.StandardOutput.Trim(), home, await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", port)));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            string? health = null;
            (await Poll.UntilAsync(async () =>
            {
                try { health = await http.GetStringAsync($"http://127.0.0.1:{agent.Forward.BoundPort}/health"); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                return health == "ok";
            }, TimeSpan.FromSeconds(60))).ShouldBeTrue($"the agent did not answer through the forward: {agent.Log()}");
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    public string Log() => File.Exists(Home + ".log") ? File.ReadAllText(Home + ".log") : "(no log)";

    /// <summary>Stops the agent (TERM, by pid) and waits for it to exit; its home stays.</summary>
    public async Task StopAsync()
    {
        await _ssh.RunAsync(["kill", _pid]);
        await Poll.UntilAsync(async () => (await _ssh.RunAsync(["kill", "-0", _pid])).ExitCode != 0, TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await _ssh.RemoveForwardAsync(Forward);
        await _ssh.RunAsync(["rm", "-rf", Home, Home + ".log"]);
    }
}
