using Npgsql;

namespace Coast.Client.Store;

/// <summary>
/// The resource store and event reader over plain SQL, for short-lived processes such as the CLI: no Marten
/// set-up and no run-time code generation. The schema must exist at <see cref="SchemaMarker.Version"/>;
/// <paramref name="ensureSchema"/> is called once when it does not (the CLI runs `coastd schema ensure`).
/// </summary>
public sealed class SqlStore(string connectionString, string schema)
{
    public IResourceStore Resources { get; } = CreateResources(connectionString, schema);
    public IEventReader Events { get; } = new SqlEventReader(connectionString, schema);

    public static async Task<SqlStore> OpenAsync(string connectionString, string schema, Func<CancellationToken, Task> ensureSchema,
        CancellationToken ct = default)
    {
        SchemaMarker.Validate(schema);
        if (!await MatchesAsync(connectionString, schema, ct))
        {
            await ensureSchema(ct);
            if (!await MatchesAsync(connectionString, schema, ct))
                throw new InvalidOperationException($"the store schema '{schema}' is still not at {SchemaMarker.Version} after migrating it");
        }
        return new SqlStore(connectionString, schema);
    }

    private static async Task<bool> MatchesAsync(string connectionString, string schema, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        return await SchemaMarker.MatchesAsync(conn, schema, ct);
    }

    private static IResourceStore CreateResources(string connectionString, string schema)
    {
        var notifications = new ChangeNotifications(connectionString, schema);
        return new ResourceStore(new SqlDocumentBackend(connectionString, schema, notifications, new VersionGuard(connectionString, schema)), notifications);
    }
}
