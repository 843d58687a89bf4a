using Coast.ApiTypes.Model;
using Marten;
using JasperFx;
using Coast.Client.Store;

namespace Coast.Controller.Store;

/// <summary>Resource documents through Marten sessions; the guard and NOTIFY are queued SQL in the same unit of work.</summary>
public sealed class MartenDocumentBackend(IDocumentStore documents, ChangeNotifications notifications, VersionGuard guard) : IDocumentBackend
{
    public async Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct)
    {
        await using var session = documents.QuerySession();
        return await session.LoadAsync<ResourceDocument>(id, ct);
    }

    public async Task<IReadOnlyList<ResourceDocument>> ListAsync(string kind, string? ns, CancellationToken ct)
    {
        await using var session = documents.QuerySession();
        var query = session.Query<ResourceDocument>().Where(d => d.Kind == kind);
        if (ns is not null) query = query.Where(d => d.Namespace == ns);
        return await query.ToListAsync(ct);
    }

    public Task EnsureGuardAsync(CancellationToken ct) => guard.EnsureInstalledAsync(ct);

    public IDocumentBatch Begin() => new Batch(documents.LightweightSession(), notifications, guard);

    private sealed class Batch(IDocumentSession session, ChangeNotifications notifications, VersionGuard guard) : IDocumentBatch
    {
        private string? _inserted;

        public Task<ResourceDocument?> LoadAsync(string id, CancellationToken ct) => session.LoadAsync<ResourceDocument>(id, ct);

        public void Insert(ResourceDocument doc)
        {
            _inserted ??= doc.Id;
            session.Insert(doc);
        }

        public void Update(ResourceDocument doc, Guid expectedVersion)
        {
            QueueGuard(doc.Id, expectedVersion);
            session.Store(doc);
        }

        public void Delete(string id, Guid? expectedVersion)
        {
            if (expectedVersion is { } v) QueueGuard(id, v);
            session.Delete<ResourceDocument>(id);
        }

        public void Notify(ResourceKey key) =>
            session.QueueSqlCommand("select pg_notify(?, ?)", notifications.Channel, key.ToString());

        private void QueueGuard(string id, Guid expectedVersion) =>
            session.QueueSqlCommand(guard.CallSql("?", "?"), id, expectedVersion.ToString());

        public async Task CommitAsync(CancellationToken ct)
        {
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (DocumentAlreadyExistsException e)
            {
                throw new DuplicateDocumentException(_inserted ?? "?", e);
            }
        }

        public ValueTask DisposeAsync() => session.DisposeAsync();
    }
}
