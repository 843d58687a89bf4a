using System.Text.Json;
using Coast.ApiTypes.Model;
using Npgsql;

namespace Coast.Client.Store;

/// <summary>
/// Resource documents read and written with plain SQL on the table Marten keeps (same columns, same JSON
/// shape), for short-lived processes: no Marten set-up and no run-time code generation. The schema itself
/// is always created by Marten (<see cref="CoastStore.EnsureSchemaAsync"/>); tests run the store contract
/// against both backends.
/// </summary>
public sealed class SqlDocumentBackend(string connectionString, string schema, ChangeNotifications notifications, VersionGuard guard) : IDocumentBackend
{
    private static readonly string DotnetType = typeof(ResourceDocument).FullName!;
    private readonly VersionGuard _guard = guard;
    private readonly string _channel = notifications.Channel;
    private readonly string _table = $"\"{schema}\".mt_doc_resourcedocument";
    private string Columns => $"id, data->>'Kind', data->>'Namespace', data->>'Name', data->>'Body', mt_version from {_table}";

    public async Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await LoadAsync(conn, null, id, ct);
    }

    public async Task<IReadOnlyList<ResourceDocument>> ListAsync(string kind, string? ns, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"select {Columns} where data->>'Kind' = $1" + (ns is null ? "" : " and data->>'Namespace' = $2"), conn);
        cmd.Parameters.AddWithValue(kind);
        if (ns is not null) cmd.Parameters.AddWithValue(ns);
        return await ReadAllAsync(cmd, ct);
    }

    public Task EnsureGuardAsync(CancellationToken ct) => _guard.EnsureInstalledAsync(ct);

    public IDocumentBatch Begin() => new Batch(this);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    private async Task<ResourceDocument?> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {Columns} where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(id);
        return (await ReadAllAsync(cmd, ct)).FirstOrDefault();
    }

    private static async Task<List<ResourceDocument>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var docs = new List<ResourceDocument>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            docs.Add(new ResourceDocument
            {
                Id = reader.GetString(0), Kind = reader.GetString(1), Namespace = reader.GetString(2),
                Name = reader.GetString(3), Body = reader.GetString(4), Version = reader.GetGuid(5),
            });
        return docs;
    }

    /// <summary>The JSON Marten writes for a ResourceDocument (its Version lives in the mt_version column).</summary>
    private static string Json(ResourceDocument d)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("Id", d.Id);
            w.WriteString("Kind", d.Kind);
            w.WriteString("Namespace", d.Namespace);
            w.WriteString("Name", d.Name);
            w.WriteString("Body", d.Body);
            w.WriteString("Version", Guid.Empty.ToString());
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private sealed class Batch(SqlDocumentBackend backend) : IDocumentBatch
    {
        private readonly List<(string Sql, object[] Args, string? InsertedId)> _steps = new();

        public async Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct) => await backend.LoadAsync(id, ct);

        public void Insert(ResourceDocument doc) => _steps.Add((
            $"insert into {backend._table} (id, data, mt_version, mt_dotnet_type, mt_last_modified) values ($1, $2::jsonb, $3, $4, transaction_timestamp())",
            [doc.Id, Json(doc), Guid.NewGuid(), DotnetType], doc.Id));

        public void Update(ResourceDocument doc, Guid expectedVersion)
        {
            Guard(doc.Id, expectedVersion);
            _steps.Add(($"update {backend._table} set data = $2::jsonb, mt_version = $3, mt_dotnet_type = $4, mt_last_modified = transaction_timestamp() where id = $1",
                [doc.Id, Json(doc), Guid.NewGuid(), DotnetType], null));
        }

        public void Delete(string id, Guid? expectedVersion)
        {
            if (expectedVersion is { } v) Guard(id, v);
            _steps.Add(($"delete from {backend._table} where id = $1", [id], null));
        }

        public void Notify(ResourceKey key) =>
            _steps.Add(("select pg_notify($1, $2)", [backend._channel, key.ToString()], null));

        public async Task CommitAsync(CancellationToken ct)
        {
            await using var conn = await backend.OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            foreach (var (sql, args, insertedId) in _steps)
            {
                await using var cmd = new NpgsqlCommand(sql, conn, tx);
                foreach (var a in args) cmd.Parameters.AddWithValue(a);
                try
                {
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && insertedId is not null)
                {
                    throw new DuplicateDocumentException(insertedId, e);
                }
            }
            await tx.CommitAsync(ct);
        }

        private void Guard(string id, Guid expectedVersion) =>
            _steps.Add((backend._guard.CallSql("$1", "$2"), [id, expectedVersion], null));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

}
