using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Secrets;

/// <summary>
/// A project's [secrets.*] as Secret resources (CreateOrUpdate): one per secret, owned by the project, its
/// definition kept in step (a manual value survives), and Secrets no longer in the Coastfile deleted.
/// </summary>
public static class SecretSync
{
    public static async Task SyncAsync(IResourceStore store, Project project, CancellationToken ct)
    {
        var ns = project.Metadata.Namespace;
        var existing = (await store.ListAsync(Secret.KindName, ns, null, ct)).Cast<Secret>().ToDictionary(s => s.Metadata.Name);
        foreach (var (name, definition) in project.Spec.Secrets)
        {
            var key = SecretNames.ResourceName(name);
            if (existing.Remove(key, out var current))
            {
                if (Same(current.Spec.Definition, definition) && current.Spec.SecretName == name && Owners.IsOwnedBy(current, project)) continue;
                current.Spec.Definition = definition;
                current.Spec.SecretName = name;
                Owners.Set(current, project);
                await store.UpdateAsync(current, ct);
                continue;
            }
            var secret = new Secret { Metadata = { Name = key, Namespace = ns }, Spec = { Project = project.Metadata.Name, SecretName = name, Definition = definition } };
            Owners.Set(secret, project);
            try { await store.CreateAsync(secret, ct); }
            catch (AlreadyExistsException) { }
        }
        foreach (var gone in existing.Values.Where(s => Owners.IsOwnedBy(s, project)))
        {
            try { await store.DeleteAsync(gone.Key, ct); }
            catch (NotFoundException) { }
        }
    }

    private static bool Same(SecretSpec a, SecretSpec b) =>
        a.Extractor == b.Extractor && a.Var == b.Var && a.Path == b.Path && a.Run == b.Run && a.Inject == b.Inject && a.Ttl == b.Ttl
        && a.Params.Count == b.Params.Count && a.Params.All(kv => b.Params.GetValueOrDefault(kv.Key) == kv.Value);
}
