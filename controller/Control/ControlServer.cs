using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Coast.ApiTypes.Kinds;
using Coast.Client.Database;
using Coast.Controller.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Coast.Client.Store;
using Coast.Client.Control;

namespace Coast.Controller.Control;

/// <summary>Where the controller listens for local requests; null path means it does not.</summary>
public sealed record ControlSocketOptions(string? Path);

/// <summary>
/// A unix socket (mode 0600 in a 0700 directory: this user only) on which the controller serves
/// latency-critical verbs for the CLI (checkout, start, stop). Each connection's peer credentials are
/// checked too (only root and the controller's own user), so a loosened mode still lets nobody else
/// write desired state through it. The request is carried out with the controller's warm store, so the CLI
/// does not pay for a database client's start-up (about 0.15 s). Desired state is written exactly as the
/// CLI would write it, by the same code.
/// </summary>
public sealed class ControlServer(ControlSocketOptions options, IResourceStore store, ILogger<ControlServer> log) : BackgroundService
{
    private const int MaxRequestBytes = 64 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Path is not { } path) return;
        using var listener = await BindAsync(path, stoppingToken);
        if (listener is null) return;
        log.LogInformation("control socket listening on {Path}", path);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stoppingToken);
                _ = Task.Run(() => ServeAsync(client, stoppingToken), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Binds the socket, replacing a stale file left by a dead controller; null when a live one serves it.</summary>
    private async Task<Socket?> BindAsync(string path, CancellationToken ct)
    {
        PrivateFiles.EnsureDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                log.LogWarning("control socket {Path} is served by another controller; not serving it here", path);
                return null;
            }
            catch (SocketException)
            {
                File.Delete(path);
            }
        }
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(64);
        return listener;
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        using var _ = client;
        await using var stream = new NetworkStream(client, ownsSocket: false);
        ControlResponse response;
        try
        {
            if (PeerUid(client) is var uid && uid != 0 && uid != PrivateFiles.EffectiveUserId)
            {
                log.LogWarning("control socket: refused a connection from uid {Uid}", uid?.ToString() ?? "unknown");
                // Take the request off the wire (unread, it is never acted on) so the refusal reaches the
                // client instead of a reset; bounded in size and time.
                using (var drain = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    drain.CancelAfter(TimeSpan.FromSeconds(5));
                    try { await ReadLineAsync(stream, drain.Token); }
                    catch (Exception e) when (e is OperationCanceledException or InvalidDataException or IOException) { }
                }
                response = new ControlResponse(OperationOutcome.Failed,
                    $"refused: uid {uid?.ToString() ?? "unknown"} may not use this control socket (only its owner, uid {PrivateFiles.EffectiveUserId}, and root)");
                await stream.WriteAsync(Encoding.UTF8.GetBytes(response.ToJsonLine()), ct);
                return;
            }
            var line = await ReadLineAsync(stream, ct);
            response = await HandleAsync(ControlRequest.Parse(line), ct);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            response = new ControlResponse(OperationOutcome.Failed, $"bad control request: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "control request failed");
            response = new ControlResponse(OperationOutcome.Failed, e.Message);
        }
        var bytes = Encoding.UTF8.GetBytes(response.ToJsonLine());
        try { await stream.WriteAsync(bytes, ct); }
        catch (IOException) { }
    }

    private async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Math.Clamp(request.TimeoutSeconds, 0.1, 3600));
        var took = System.Diagnostics.Stopwatch.StartNew();
        var result = request.Op switch
        {
            "checkout" => await CheckoutService.CheckoutAsync(store, request.Project, request.Instance, timeout, ct),
            "start" or "stop" when request.Instance is { } name => await InstanceStateService.SetStateAsync(store, request.Project, name,
                request.Op == "start" ? InstanceStates.Running : InstanceStates.Stopped, timeout, ct),
            _ => throw new NotSupportedException($"unknown operation '{request.Op}' (or no instance named)"),
        };
        log.LogInformation("control: {Op} {Project}/{Instance}: {Outcome} in {Ms} ms", request.Op, request.Project, request.Instance ?? "(none)",
            result.Outcome, took.ElapsedMilliseconds);
        return new ControlResponse(result.Outcome, result.Message);
    }

    /// <summary>The uid of the process at the other end (SO_PEERCRED: struct ucred { pid, uid, gid }), or null.</summary>
    private static uint? PeerUid(Socket client)
    {
        const int SolSocket = 1, SoPeerCred = 17;
        var cred = new byte[12];
        try
        {
            return client.GetRawSocketOption(SolSocket, SoPeerCred, cred) == cred.Length ? BitConverter.ToUInt32(cred, 4) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var one = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(one, ct);
            if (n == 0) break;
            var newline = Array.IndexOf(one, (byte)'\n', 0, n);
            buffer.Write(one, 0, newline < 0 ? n : newline);
            if (newline >= 0) break;
            if (buffer.Length > MaxRequestBytes) throw new InvalidDataException("request too large");
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
