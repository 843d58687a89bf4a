using System.Net.Sockets;
using System.Reflection;
using Renci.SshNet;

namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// One <c>direct-tcpip</c> channel per accepted socket, on a forwarded port's session. SSH.NET has no
/// public call for it (only <see cref="ForwardedPortLocal"/>, whose accept loop recurses without bound when
/// its listener socket fails: the stack overflow of issue 10), so this reaches the same internal calls
/// ForwardedPortLocal makes (<c>ISession.CreateChannelDirectTcpip</c>, <c>Open</c>, <c>Bind</c>) by name.
/// They are resolved once; a missing one is a clear error at the first forward (and a unit test fails when
/// an SSH.NET upgrade renames them).
/// </summary>
internal static class DirectTcpip
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Lazy<Binding> Calls = new(Resolve);

    private sealed record Binding(PropertyInfo Session, MethodInfo IsConnected, MethodInfo Create, MethodInfo Open, MethodInfo Bind);

    /// <summary>Throws with the missing member named when this SSH.NET build lacks one of the calls.</summary>
    public static void EnsureAvailable() => _ = Calls.Value;

    /// <summary>Opens a channel to host:port as seen from the remote and pumps <paramref name="socket"/> through it until either side closes (blocking).</summary>
    public static void Pump(ForwardedPort owner, string host, uint port, Socket socket)
    {
        var calls = Calls.Value;
        var session = calls.Session.GetValue(owner) ?? throw new InvalidOperationException("the forwarded port is not added to a client");
        if (calls.IsConnected.Invoke(session, null) is not true) throw new InvalidOperationException("the ssh session is not connected");
        var channel = (IDisposable)Invoke(calls.Create, session)!;
        try
        {
            Invoke(calls.Open, channel, host, port, owner, socket);
            Invoke(calls.Bind, channel);
        }
        finally { channel.Dispose(); }
    }

    private static object? Invoke(MethodInfo method, object target, params object?[] args)
    {
        try { return method.Invoke(target, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static Binding Resolve()
    {
        var session = typeof(ForwardedPort).GetProperty("Session", Instance) ?? throw Missing("ForwardedPort.Session");
        var sessionType = session.PropertyType;
        var isConnected = sessionType.GetProperty("IsConnected")?.GetMethod ?? throw Missing($"{sessionType.Name}.IsConnected");
        var create = sessionType.GetMethod("CreateChannelDirectTcpip", Type.EmptyTypes) ?? throw Missing($"{sessionType.Name}.CreateChannelDirectTcpip()");
        var channel = create.ReturnType;
        if (!typeof(IDisposable).IsAssignableFrom(channel)) throw Missing($"{channel.Name} : IDisposable");
        var open = channel.GetMethods().SingleOrDefault(m => m.Name == "Open" && m.GetParameters() is var p && p.Length == 4
                       && p[0].ParameterType == typeof(string) && p[1].ParameterType == typeof(uint)
                       && p[2].ParameterType.IsAssignableFrom(typeof(ForwardedPort)) && p[3].ParameterType == typeof(Socket))
                   ?? throw Missing($"{channel.Name}.Open(string, uint, IForwardedPort, Socket)");
        var bind = channel.GetMethod("Bind", Type.EmptyTypes) ?? throw Missing($"{channel.Name}.Bind()");
        return new Binding(session, isConnected, create, open, bind);
    }

    private static InvalidOperationException Missing(string member) => new(
        $"SSH.NET {typeof(ForwardedPort).Assembly.GetName().Version} has no {member}: local forwards need it (see controller/Remote/Ssh/DirectTcpip.cs)");
}
