using Coast.ApiTypes.Model;
using Npgsql;

namespace Coast.Client.Store;

/// <summary>
/// The controller's events (`coast describe`) read with plain SQL from the table Marten keeps for them
/// (MartenEventRecorder writes it: one JSON document per event, property names as in EventDocument).
/// </summary>
public sealed class SqlEventReader(string connectionString, string schema) : IEventReader
{
    public async Task<IReadOnlyList<ResourceEvent>> ListAsync(ResourceKey key, int limit = 20, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"select data->>'Key', data->>'Type', data->>'Reason', data->>'Message', (data->>'LastTime')::timestamptz, (data->>'Count')::int " +
            $"from \"{schema}\".mt_doc_eventdocument where data->>'Key' = $1 order by (data->>'LastTime')::timestamptz desc limit $2", conn);
        cmd.Parameters.AddWithValue(key.ToString());
        cmd.Parameters.AddWithValue(limit);
        var events = new List<ResourceEvent>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                events.Add(new ResourceEvent(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero), reader.GetInt32(5)));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No event was ever recorded in this schema.
        }
        return events;
    }
}
