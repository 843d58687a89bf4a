using JasperFx;
using Marten;
using Npgsql;

namespace Coast.Controller.Store;

/// <summary>The Marten document store for one database schema, exposing the resource store and event recorder.</summary>
public sealed class CoastStore : IDisposable
{
    private readonly DocumentStore _documents;

    private readonly string _connectionString;
    private readonly string _schema;

    private CoastStore(DocumentStore documents, string connectionString, string schema)
    {
        _documents = documents;
        _connectionString = connectionString;
        _schema = schema;
        var notifications = new ChangeNotifications(connectionString, schema);
        Resources = new ResourceStore(new MartenDocumentBackend(documents, notifications, new VersionGuard(connectionString, schema)), notifications);
        Events = new MartenEventRecorder(documents);
    }

    public IResourceStore Resources { get; }
    public IEventRecorder Events { get; }

    public static CoastStore Create(string connectionString, string schema = "coast")
    {
        if (schema.Length == 0 || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"schema '{schema}' must be lowercase letters, digits or '_'.");
        var documents = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = schema;
            options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            options.Schema.For<ResourceDocument>()
                .Index(d => d.Kind).Index(d => d.Namespace);
            options.Schema.For<EventDocument>().Index(e => e.Key);
        });
        return new CoastStore(documents, connectionString, schema);
    }

    /// <summary>
    /// Creates or migrates the schema once, serialised across processes by an advisory lock: several
    /// coast processes starting together (CLI, controllers) must not race to create the same tables.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(_connectionString);
        await conn.OpenAsync(ct);
        // Checking the whole schema costs ~0.5 s; a marker written after a successful migration by this
        // build of the store code lets every later process skip it with one query.
        if (await MarkerMatchesAsync(conn, _schema, ct)) return;
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_lock(hashtext($1))", conn))
        {
            lockCmd.Parameters.AddWithValue($"coast-schema:{_schema}");
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await _documents.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(ct: ct);
            await ((ResourceStore)Resources).InstallGuardAsync(ct);
            await using (var table = new NpgsqlCommand(
                $"create table if not exists \"{_schema}\".coast_schema_marker (build text not null); delete from \"{_schema}\".coast_schema_marker", conn))
                await table.ExecuteNonQueryAsync(ct);
            await using var mark = new NpgsqlCommand($"insert into \"{_schema}\".coast_schema_marker values ($1)", conn);
            mark.Parameters.AddWithValue(SchemaBuild);
            await mark.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(hashtext($1))", conn);
            unlock.Parameters.AddWithValue($"coast-schema:{_schema}");
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Identifies this build of the store code: any rebuild re-checks the schema once.</summary>
    private static string SchemaBuild => typeof(ResourceDocument).Assembly.ManifestModule.ModuleVersionId.ToString();

    private static async Task<bool> MarkerMatchesAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select build from \"{schema}\".coast_schema_marker where to_regclass('\"{schema}\".coast_schema_marker') is not null", conn);
        try
        {
            return await cmd.ExecuteScalarAsync(ct) is string build && build == SchemaBuild;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return false;
        }
    }

    /// <summary>Creates the store and makes sure its schema exists.</summary>
    public static async Task<CoastStore> OpenAsync(string connectionString, string schema = "coast", CancellationToken ct = default)
    {
        var store = Create(connectionString, schema);
        try
        {
            await store.EnsureSchemaAsync(ct);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The resource store without Marten, for short-lived processes such as the CLI: plain SQL on the
    /// tables Marten created. When the schema is missing or was made by another build, Marten creates or
    /// migrates it first (once).
    /// </summary>
    public static async Task<IResourceStore> OpenSqlResourcesAsync(string connectionString, string schema = "coast", CancellationToken ct = default)
    {
        bool current;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            current = await MarkerMatchesAsync(conn, schema, ct);
        }
        if (!current) (await OpenAsync(connectionString, schema, ct)).Dispose();
        var notifications = new ChangeNotifications(connectionString, schema);
        return new ResourceStore(new SqlDocumentBackend(connectionString, schema, notifications, new VersionGuard(connectionString, schema)), notifications);
    }

    public void Dispose() => _documents.Dispose();
}
