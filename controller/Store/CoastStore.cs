using JasperFx;
using Marten;

namespace Coast.Controller.Store;

/// <summary>The Marten document store for one database schema, exposing the resource store and event recorder.</summary>
public sealed class CoastStore : IDisposable
{
    private readonly DocumentStore _documents;

    private CoastStore(DocumentStore documents, string connectionString, string schema)
    {
        _documents = documents;
        var notifications = new ChangeNotifications(connectionString, schema);
        Resources = new MartenResourceStore(documents, notifications, new VersionGuard(connectionString, schema));
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

    public void Dispose() => _documents.Dispose();
}
