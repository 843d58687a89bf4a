using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Renci.SshNet;

namespace Coast.Controller.Remote.Ssh;

public enum SshConnectionState { Connected, Reconnecting, Failed, Closed }

/// <summary>
/// One long-lived SSH connection to a remote host, in process (SSH.NET; no <c>ssh</c> children), with a
/// pinned host key. It carries commands and forwards, and heals itself: when the connection drops it
/// reconnects with backoff and re-creates every forward (local ones on the same local port). A changed
/// host key or a refused login stops it for good (<see cref="SshConnectionState.Failed"/>) with the
/// reason in <see cref="LastError"/>: those need a person, not a retry.
/// </summary>
public sealed class SshConnection : IAsyncDisposable
{
    private readonly SshOptions _options;
    private readonly ILogger _log;
    private readonly List<SshForward> _forwards = [];
    // Held while the current client or the forward list changes, so a forward added during a
    // reconnect is neither lost nor started twice.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private PinnedClient? _current;
    private TaskCompletionSource _dropped = NewSignal();
    private TaskCompletionSource _connected = NewSignal();
    private Task _supervisor = Task.CompletedTask;
    private int _reconnects;

    private SshConnection(SshTarget target, HostKeyFingerprint pin, SshOptions options, ILogger log)
    {
        Target = target;
        PinnedHostKey = pin;
        _options = options;
        _log = log;
    }

    public SshTarget Target { get; }
    public HostKeyFingerprint PinnedHostKey { get; }
    public SshConnectionState State { get; private set; } = SshConnectionState.Reconnecting;

    /// <summary>Why the connection is or was last down; null while connected.</summary>
    public string? LastError { get; private set; }

    /// <summary>How many times the connection came back after a drop.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    public IReadOnlyList<SshForward> Forwards { get { lock (_forwards) return [.. _forwards]; } }

    /// <summary>Connects once (errors are thrown: a first connect that fails is the caller's to report), then keeps the connection up.</summary>
    public static async Task<SshConnection> OpenAsync(SshTarget target, HostKeyFingerprint pin, SshOptions? options = null,
        ILogger? logger = null, CancellationToken ct = default)
    {
        var connection = new SshConnection(target, pin, options ?? new SshOptions(), logger ?? NullLogger.Instance);
        connection.Adopt(await SshClientFactory.ConnectAsync(target, pin, connection._options, ct));
        connection._supervisor = Task.Run(connection.SuperviseAsync);
        return connection;
    }

    /// <summary>Runs an argument list on the remote (each argument quoted for its shell) and returns exit code and output.</summary>
    public Task<RemoteCommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan? timeout = null, CancellationToken ct = default) =>
        RunShellAsync(RemoteShell.Join(argv), timeout, ct);

    /// <summary>Runs a command line through the remote user's shell (for pipelines; prefer <see cref="RunAsync"/>).</summary>
    public async Task<RemoteCommandResult> RunShellAsync(string commandLine, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var client = await CurrentClientAsync(ct);
        using var command = client.CreateCommand(commandLine);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t) limit.CancelAfter(t);
        try
        {
            await command.ExecuteAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"`{commandLine}` on {Target} did not finish within {timeout}");
        }
        var exit = command.ExitStatus ?? (command.ExitSignal is null ? -1 : 128);
        return new RemoteCommandResult(exit, command.Result, command.Error, command.ExitSignal);
    }

    /// <summary>Runs an argument list with <paramref name="input"/> written to its standard input (one channel on this connection).</summary>
    public async Task<RemoteCommandResult> RunWithInputAsync(IReadOnlyList<string> argv, Func<Stream, CancellationToken, Task> input,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var client = await CurrentClientAsync(ct);
        var line = RemoteShell.Join(argv);
        using var command = client.CreateCommand(line);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t) limit.CancelAfter(t);
        try
        {
            var running = command.ExecuteAsync(limit.Token);
            await using (var stdin = command.CreateInputStream()) await input(stdin, limit.Token);
            await running;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"`{line}` on {Target} did not finish within {timeout}");
        }
        var exit = command.ExitStatus ?? (command.ExitSignal is null ? -1 : 128);
        return new RemoteCommandResult(exit, command.Result, command.Error, command.ExitSignal);
    }

    /// <summary>Starts a local forward now (throws when its port cannot be bound) and keeps it across reconnects.</summary>
    public Task<LocalForward> ForwardLocalAsync(LocalForwardSpec spec, CancellationToken ct = default) =>
        AddForwardAsync(new LocalForward(spec), ct);

    /// <summary>Starts a remote forward now (throws when the server refuses the bind) and keeps it across reconnects.</summary>
    public Task<RemoteForward> ForwardRemoteAsync(RemoteForwardSpec spec, CancellationToken ct = default)
    {
        if (spec.BindPort is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(spec), $"remote forward bind port {spec.BindPort} must be 1-65535 (the remote side allocates it)");
        return AddForwardAsync(new RemoteForward(spec), ct);
    }

    public async Task RemoveForwardAsync(SshForward forward, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            lock (_forwards) _forwards.Remove(forward);
            StopForward(forward, _current?.Client, "removed");
        }
        finally { _gate.Release(); }
    }

    /// <summary>Waits until the connection is up (or failed for good: then throws with the reason).</summary>
    public async Task WaitConnectedAsync(CancellationToken ct = default) => await CurrentClientAsync(ct);

    private async Task<T> AddForwardAsync<T>(T forward, CancellationToken ct) where T : SshForward
    {
        while (true)
        {
            var client = await CurrentClientAsync(ct);
            await _gate.WaitAsync(ct);
            try
            {
                if (_current?.Client != client) continue; // dropped meanwhile: wait for the next connection
                forward.Start(client); // throws: the caller learns at once that the port is taken
                lock (_forwards) _forwards.Add(forward);
                return forward;
            }
            finally { _gate.Release(); }
        }
    }

    private async Task<SshClient> CurrentClientAsync(CancellationToken ct)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(State == SshConnectionState.Closed, this);
            await _connected.Task.WaitAsync(ct); // throws the permanent failure once Failed
            var current = _current;
            if (current is not null) return current.Client;
        }
    }

    private void Adopt(PinnedClient client)
    {
        _dropped = NewSignal();
        var dropped = _dropped;
        client.Client.ErrorOccurred += (_, e) =>
        {
            if (_current == client) LastError = e.Exception.Message;
            dropped.TrySetResult();
        };
        _current = client;
        State = SshConnectionState.Connected;
        LastError = null;
        _connected.TrySetResult();
    }

    private async Task SuperviseAsync()
    {
        var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await WaitForDropAsync();
                await DetachAsync();
                _log.LogWarning("ssh connection to {Target} dropped ({Reason}); reconnecting", Target, LastError);
                if (!await ReconnectAsync(backoff)) return;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task WaitForDropAsync()
    {
        while (true)
        {
            var current = _current;
            if (current is null || !current.Client.IsConnected) return;
            await Task.WhenAny(_dropped.Task, Task.Delay(_options.LivenessCheckInterval, _stop.Token));
            _stop.Token.ThrowIfCancellationRequested();
            if (_dropped.Task.IsCompleted) return;
            await RetryFailedForwardsAsync();
        }
    }

    private async Task DetachAsync()
    {
        await _gate.WaitAsync(_stop.Token);
        try
        {
            State = SshConnectionState.Reconnecting;
            LastError ??= "connection lost";
            _connected = NewSignal();
            var old = _current;
            _current = null;
            // Stop every forward first: a local forward's port must be free to bind again on the new connection.
            foreach (var forward in Forwards) StopForward(forward, old?.Client, "connection lost");
            try { old?.Dispose(); }
            catch (Exception e) { _log.LogDebug(e, "disposing the dropped ssh client to {Target}", Target); }
        }
        finally { _gate.Release(); }
    }

    /// <summary>Backs off until a new connection is up with its forwards re-created; false when it failed for good.</summary>
    private async Task<bool> ReconnectAsync(ReconnectBackoff backoff)
    {
        while (true)
        {
            await Task.Delay(backoff.Next(), _stop.Token);
            PinnedClient client;
            try
            {
                client = await SshClientFactory.ConnectAsync(Target, PinnedHostKey, _options, _stop.Token);
            }
            catch (Exception e) when (e is HostKeyMismatchException or SshConnectException { Permanent: true })
            {
                Fail(e);
                return false;
            }
            catch (SshConnectException e)
            {
                LastError = e.Message;
                _log.LogInformation("reconnect to {Target} failed (attempt {Attempt}): {Reason}", Target, backoff.Failures, e.Message);
                continue;
            }
            try { await _gate.WaitAsync(_stop.Token); }
            catch (OperationCanceledException) { client.Dispose(); throw; }
            try
            {
                foreach (var forward in Forwards) TryStartForward(forward, client.Client);
                Adopt(client);
            }
            finally { _gate.Release(); }
            Interlocked.Increment(ref _reconnects);
            backoff.Reset();
            _log.LogInformation("ssh connection to {Target} is back (reconnect {Count})", Target, Reconnects);
            return true;
        }
    }

    /// <summary>A forward that could not be re-created (say its remote port was still held) is tried again each liveness tick.</summary>
    private async Task RetryFailedForwardsAsync()
    {
        var failed = Forwards.Where(f => !f.IsActive).ToList();
        if (failed.Count == 0) return;
        await _gate.WaitAsync(_stop.Token);
        try
        {
            if (_current?.Client is not { IsConnected: true } client) return;
            foreach (var forward in failed) if (Forwards.Contains(forward)) TryStartForward(forward, client);
        }
        finally { _gate.Release(); }
    }

    private void Fail(Exception e)
    {
        State = SshConnectionState.Failed;
        LastError = e.Message;
        _log.LogError("ssh connection to {Target} stopped: {Reason}", Target, e.Message);
        _connected.TrySetException(e);
        _connected.Task.Exception?.Handle(_ => true); // observed here; waiters rethrow it
    }

    private void TryStartForward(SshForward forward, SshClient client)
    {
        try { forward.Start(client); }
        catch (Exception e) { _log.LogWarning("forward {Forward} over {Target} not re-created: {Reason}", forward, Target, e.Message); }
    }

    private void StopForward(SshForward forward, SshClient? client, string reason)
    {
        if (forward.Stop(client, reason) is { } e) _log.LogDebug(e, "stopping forward {Forward} over {Target}", forward, Target);
    }

    public async ValueTask DisposeAsync()
    {
        if (State == SshConnectionState.Closed) return;
        await _stop.CancelAsync();
        try { await _supervisor; }
        catch (OperationCanceledException) { }
        await _gate.WaitAsync();
        try
        {
            foreach (var forward in Forwards) StopForward(forward, _current?.Client, "connection closed");
            _current?.Dispose();
            _current = null;
            State = SshConnectionState.Closed;
            _connected.TrySetException(new ObjectDisposedException(nameof(SshConnection)));
            _connected.Task.Exception?.Handle(_ => true);
        }
        finally { _gate.Release(); }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
