using System.Net;
using Renci.SshNet;

namespace Coast.Controller.Remote.Ssh;

/// <summary><c>ssh -L</c>: a local port (0 = any free one) whose connections reach RemoteHost:RemotePort as seen from the remote.</summary>
public sealed record LocalForwardSpec(string RemoteHost, int RemotePort, string BindHost = "127.0.0.1", int BindPort = 0);

/// <summary>
/// <c>ssh -R</c>: a port on the remote (on all its addresses by default, which needs the server's
/// <c>GatewayPorts clientspecified</c>) whose connections reach LocalHost:LocalPort on this machine.
/// </summary>
public sealed record RemoteForwardSpec(int BindPort, string LocalHost, int LocalPort, string BindHost = "0.0.0.0");

/// <summary>
/// A forward the connection keeps: re-created on every reconnect (a local forward on the port it was
/// first given, so callers can hold on to it). Read its state; change it only through the connection.
/// </summary>
public abstract class SshForward
{
    private protected SshForward() { }

    /// <summary>Null while the forward is up; otherwise why it is not (connection down, port taken ...).</summary>
    public string? LastError { get; internal set; } = "not started";

    public bool IsActive => Active is { IsStarted: true };

    internal ForwardedPort? Active { get; private set; }

    private protected abstract ForwardedPort Create();

    private protected virtual void Started(ForwardedPort port) { }

    /// <summary>Starts the forward on a connected client; throws when the port cannot be bound or the server refuses.</summary>
    internal void Start(SshClient client)
    {
        if (Active is not null) Stop(client, "restarting"); // a port that stopped by itself (its listener failed) is replaced, not leaked
        var port = Create();
        port.Exception += (_, e) => LastError = e.Exception.Message;
        client.AddForwardedPort(port);
        try
        {
            port.Start();
        }
        catch (Exception e)
        {
            LastError = e.Message;
            client.RemoveForwardedPort(port);
            port.Dispose();
            throw;
        }
        Started(port);
        Active = port;
        LastError = null;
    }

    /// <summary>Stops the forward (its port is free again); returns what went wrong stopping it, if anything.</summary>
    internal Exception? Stop(SshClient? client, string reason)
    {
        var port = Active;
        Active = null;
        LastError = reason;
        if (port is null) return null;
        try
        {
            port.Stop();
            client?.RemoveForwardedPort(port);
            port.Dispose();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}

public sealed class LocalForward : SshForward
{
    internal LocalForward(LocalForwardSpec spec) => Spec = spec;

    public LocalForwardSpec Spec { get; }

    /// <summary>The local port; fixed after the first start even when the spec asked for 0.</summary>
    public int BoundPort { get; private set; }

    // Our own listener, not SSH.NET's ForwardedPortLocal: see OwnedListenerPort (a killed listener crashed the process).
    private protected override ForwardedPort Create() => new OwnedListenerPort(
        Spec.BindHost, (uint)(BoundPort != 0 ? BoundPort : Spec.BindPort), Spec.RemoteHost, (uint)Spec.RemotePort);

    private protected override void Started(ForwardedPort port) => BoundPort = (int)((OwnedListenerPort)port).BoundPort;

    public override string ToString() => $"-L {Spec.BindHost}:{BoundPort}:{Spec.RemoteHost}:{Spec.RemotePort}";
}

public sealed class RemoteForward : SshForward
{
    internal RemoteForward(RemoteForwardSpec spec) => Spec = spec;

    public RemoteForwardSpec Spec { get; }

    // The IPAddress overload: the string one resolves the bind host locally, which rejects 0.0.0.0.
    private protected override ForwardedPort Create() => new ForwardedPortRemote(
        IPAddress.TryParse(Spec.BindHost, out var bind) ? bind
            : throw new FormatException($"remote forward bind address '{Spec.BindHost}' must be an IP address such as 0.0.0.0"),
        (uint)Spec.BindPort,
        IPAddress.TryParse(Spec.LocalHost, out var local) ? local : Dns.GetHostAddresses(Spec.LocalHost)[0],
        (uint)Spec.LocalPort);

    public override string ToString() => $"-R {Spec.BindHost}:{Spec.BindPort}:{Spec.LocalHost}:{Spec.LocalPort}";
}
