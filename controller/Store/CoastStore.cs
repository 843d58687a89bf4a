using JasperFx;
using Marten;
using Coast.Client.Store;
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
        SchemaMarker.Validate(schema);
        var documents = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = schema;
            options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            // The version lives in mt_version; the explicit VersionGuard enforces it (not Marten's optimistic concurrency).
            options.Schema.For<ResourceDocument>()
                .Metadata(m => m.Version.MapTo(d => d.Version))
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
        // Checking the whole schema costs ~0.5 s; a marker written after a successful migration lets every
        // later process skip it with one query (and tells SQL clients the tables are the shape they expect).
        if (await SchemaMarker.MatchesAsync(conn, _schema, ct)) return;
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_lock(hashtext($1))", conn))
        {
            lockCmd.Parameters.AddWithValue($"coast-schema:{_schema}");
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await _documents.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(ct: ct);
            await ((ResourceStore)Resources).InstallGuardAsync(ct);
            await SchemaMarker.WriteAsync(conn, _schema, ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(hashtext($1))", conn);
            unlock.Parameters.AddWithValue($"coast-schema:{_schema}");
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
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

    /// <summary>The resource store over plain SQL (what the CLI uses), after Marten has created or migrated the schema.</summary>
    public static async Task<IResourceStore> OpenSqlResourcesAsync(string connectionString, string schema = "coast", CancellationToken ct = default) =>
        (await SqlStore.OpenAsync(connectionString, schema, async token => (await OpenAsync(connectionString, schema, token)).Dispose(), ct)).Resources;

    public void Dispose() => _documents.Dispose();
}
