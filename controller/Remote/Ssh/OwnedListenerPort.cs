using System.Net;
using System.Net.Sockets;
using Renci.SshNet;

namespace Coast.Controller.Remote.Ssh;

/// <summary>
/// <c>ssh -L</c> with a listener this process owns: an awaited accept loop (no recursion, whatever the
/// socket reports) and one <c>direct-tcpip</c> channel per accepted connection. SSH.NET's own
/// <see cref="ForwardedPortLocal"/> restarts its accept from inside the completion of the failed one, so a
/// listener that fails synchronously (killed with <c>ss -K</c>) recursed until the process died of a stack
/// overflow. Here a failed listener ends the loop: the port stops (<see cref="IsStarted"/> false, the
/// reason in <see cref="ListenerError"/> and the <see cref="ForwardedPort.Exception"/> event), and whoever
/// keeps the forward binds it again.
/// </summary>
internal sealed class OwnedListenerPort(string bindHost, uint bindPort, string host, uint port) : ForwardedPort
{
    private static readonly TimeSpan MaxDrain = TimeSpan.FromSeconds(2);
    private readonly Lock _lock = new();
    private Socket? _listener;
    private CancellationTokenSource? _stop;
    private volatile bool _started;
    private bool _disposed;
    private int _open;

    /// <summary>The local port; the one the system chose when asked for 0.</summary>
    public uint BoundPort { get; private set; } = bindPort;

    /// <summary>Why the listener stopped by itself (null while it listens or after a normal stop).</summary>
    public string? ListenerError { get; private set; }

    public override bool IsStarted => _started;

    protected override void StartPort()
    {
        DirectTcpip.EnsureAvailable();
        var address = IPAddress.TryParse(bindHost, out var a) ? a : Dns.GetHostAddresses(bindHost)[0];
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            listener.Bind(new IPEndPoint(address, (int)BoundPort));
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        BoundPort = (uint)((IPEndPoint)listener.LocalEndPoint!).Port;
        var stop = new CancellationTokenSource();
        lock (_lock) (_listener, _stop, ListenerError, _started) = (listener, stop, null, true);
        _ = Task.Run(() => AcceptLoopAsync(listener, stop.Token));
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        var transient = 0;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct);
                transient = 0;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (IsTransient(e.SocketErrorCode) && ++transient <= 10)
            {
                // A peer that reset before accept, or no descriptors for a moment: the listener itself is fine.
                await Task.Delay(20 * transient, CancellationToken.None);
                continue;
            }
            catch (Exception e)
            {
                Died(listener, e);
                return;
            }
            Interlocked.Increment(ref _open);
            _ = Task.Factory.StartNew(() => Serve(client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private static bool IsTransient(SocketError error) =>
        error is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.Interrupted or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    /// <summary>Blocks (a thread of its own) while the connection lasts, as SSH.NET's channel pump does.</summary>
    private void Serve(Socket client)
    {
        try
        {
            client.NoDelay = true;
            DirectTcpip.Pump(this, host, port, client);
        }
        catch (Exception)
        {
            // This one connection failed (the remote port refused, the session dropped): the client sees it closed.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    private void Died(Socket listener, Exception e)
    {
        lock (_lock)
        {
            if (_listener != listener) return;
            _started = false;
            ListenerError = $"listener on {bindHost}:{BoundPort} failed: {e.Message}";
        }
        listener.Dispose();
        try { RaiseExceptionEvent(new SocketException((int)((e as SocketException)?.SocketErrorCode ?? SocketError.SocketError), ListenerError)); }
        catch (Exception) { /* a subscriber's fault must not end the process either */ }
    }

    protected override void StopPort(TimeSpan timeout)
    {
        Socket? listener;
        CancellationTokenSource? stop;
        lock (_lock)
        {
            (listener, stop) = (_listener, _stop);
            (_listener, _stop, _started) = (null, null, false);
        }
        stop?.Cancel();
        listener?.Dispose();
        stop?.Dispose();
        base.StopPort(timeout); // Closing: every open channel closes its socket, ending its pump
        var deadline = DateTime.UtcNow + (timeout < MaxDrain ? timeout : MaxDrain);
        while (Volatile.Read(ref _open) > 0 && DateTime.UtcNow < deadline) Thread.Sleep(10);
    }

    protected override void CheckDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        base.Dispose(disposing);
        if (disposing) StopPort(TimeSpan.Zero);
        _disposed = true;
    }
}
