using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Coast.ApiTypes.Model;
using Marten;
using Npgsql;

namespace Coast.Controller.Store;

/// <summary>
/// Postgres LISTEN/NOTIFY for committed writes. The NOTIFY is queued in the writing session, so it is
/// delivered only if (and when) the write commits. One channel per schema keeps test schemas apart.
/// </summary>
public sealed class ChangeNotifications(string connectionString, string schema)
{
    public string Channel { get; } = $"coast_changes_{schema}";

    public void Queue(IDocumentSession session, ResourceKey key) =>
        session.QueueSqlCommand("select pg_notify(?, ?)", Channel, key.ToString());

    public async IAsyncEnumerable<ResourceKey> ListenAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var keys = System.Threading.Channels.Channel.CreateUnbounded<ResourceKey>(new UnboundedChannelOptions { SingleReader = true });
        var pump = Task.Run(() => PumpAsync(keys.Writer, ct), CancellationToken.None);
        try
        {
            await foreach (var key in keys.Reader.ReadAllAsync(ct)) yield return key;
        }
        finally
        {
            await pump;
        }
    }

    /// <summary>Keeps one listening connection open, reconnecting after failures, until cancelled.</summary>
    private async Task PumpAsync(ChannelWriter<ResourceKey> writer, CancellationToken ct)
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
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
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
