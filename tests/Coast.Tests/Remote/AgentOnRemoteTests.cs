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
        await using var agent = await RemoteAgentProcess.StartAsync(ssh, Host);
        // The namespace's own address (a network of this test's making) has nothing on the agent's port.
        using var direct = new TcpClient();
        var refused = await Should.ThrowAsync<SocketException>(async () =>
            await direct.ConnectAsync(Host.Address, AgentOptions.DefaultPort).WaitAsync(TimeSpan.FromSeconds(5)));
        refused.SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
        var listening = await ssh.RunAsync(["ss", "-Htln", $"sport = :{AgentOptions.DefaultPort}"]);
        listening.StandardOutput.ShouldContain($"127.0.0.1:{AgentOptions.DefaultPort}");
        listening.StandardOutput.ShouldNotContain($"0.0.0.0:{AgentOptions.DefaultPort}");
    }
}
