using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Coast.ApiTypes.Model;
using Npgsql;

namespace Coast.Client.Store;

/// <summary>
/// Postgres LISTEN/NOTIFY for committed writes. The NOTIFY is queued in the writing session, so it is
/// delivered only if (and when) the write commits. One channel per schema keeps test schemas apart.
/// Stopping is bounded: the listener notices cancellation within half a second and the stream's end waits at
/// most two seconds for it.
/// </summary>
public sealed class ChangeNotifications(string connectionString, string schema)
{
    public string Channel { get; } = $"coast_changes_{schema}";

    /// <summary>Streams the keys of committed writes; <paramref name="listening"/> runs each time the LISTEN is (re)established.</summary>
    public async IAsyncEnumerable<ResourceKey> ListenAsync([EnumeratorCancellation] CancellationToken ct, Action? listening = null)
    {
        var keys = System.Threading.Channels.Channel.CreateUnbounded<ResourceKey>(new UnboundedChannelOptions { SingleReader = true });
        var pump = Task.Run(() => PumpAsync(keys.Writer, listening, ct), CancellationToken.None);
        try
        {
            await foreach (var key in keys.Reader.ReadAllAsync(ct)) yield return key;
        }
        finally
        {
            // Bounded: a caller's timeout must hold even if the listening connection is slow to close.
            try { await pump.WaitAsync(ShutdownBound, CancellationToken.None); }
            catch (TimeoutException) { }
        }
    }

    /// <summary>How long one wait for a notification lasts before the loop looks at its token again.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(2);

    /// <summary>Keeps one listening connection open, reconnecting after failures, until cancelled.</summary>
    private async Task PumpAsync(ChannelWriter<ResourceKey> writer, Action? listening, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(connectionString);
                await conn.OpenAsync(ct);
                conn.Notification += (_, e) => writer.TryWrite(ResourceKey.Parse(e.Payload));
                await using (var listen = new NpgsqlCommand($"listen \"{Channel}\"", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                listening?.Invoke();
                // Waits in slices without handing the token to Npgsql: cancelling WaitAsync runs Npgsql's keepalive
                // from inside the token's Cancel() and can deadlock (npgsql/npgsql#5975), which froze a CLI waiter
                // past its own timeout. A timed-out slice leaves the connection usable.
                while (!ct.IsCancellationRequested) await conn.WaitAsync(WaitSlice, CancellationToken.None);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
                catch (OperationCanceledException) { break; }
            }
        }
        writer.TryComplete();
    }
}
