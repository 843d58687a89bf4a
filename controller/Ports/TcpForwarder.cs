using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Coast.Controller.Ports;

/// <summary>
/// One listening socket that pipes every accepted connection to the current target. Switching target
/// is a field swap: the listener stays bound, new connections go to the new target at once, existing
/// ones keep their target until they close. No child processes to track or leak (unlike socat).
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile IPEndPoint _target;
    private int _active;

    private TcpForwarder(TcpListener listener, IPEndPoint target)
    {
        _listener = listener;
        _target = target;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public IPEndPoint Target => _target;
    public int ActiveConnections => _active;

    /// <summary>Binds the port; throws <see cref="PortInUseException"/> when another program holds it.</summary>
    public static TcpForwarder Start(IPAddress bindAddress, int port, IPEndPoint target)
    {
        var listener = new TcpListener(bindAddress, port);
        try
        {
            listener.Start(512);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new PortInUseException(port, e.Message);
        }
        return new TcpForwarder(listener, target);
    }

    public void SetTarget(IPEndPoint target) => _target = target;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = Task.Run(() => ServeAsync(client, _target));
        }
    }

    private async Task ServeAsync(Socket client, IPEndPoint target)
    {
        Interlocked.Increment(ref _active);
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            client.NoDelay = true;
            await upstream.ConnectAsync(target, _stop.Token);
            await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            // One broken connection never disturbs the others.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>Copies one direction; when the source ends, half-closes the destination so the reply can still flow.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
            try { to.Shutdown(SocketShutdown.Send); } catch (SocketException) { } catch (ObjectDisposedException) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _acceptLoop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
