using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;

namespace Coast.Client.Store;

/// <summary>
/// The rules for combining an incoming write with the stored resource: which fields a client may set,
/// when generation increases, and whether anything changed at all.
/// </summary>
public static class ResourceMerge
{
    /// <summary>A new resource as first stored.</summary>
    public static Resource ForCreate(Resource incoming, DateTimeOffset now)
    {
        var r = ResourceJson.Clone(incoming);
        r.Metadata.Uid = Guid.NewGuid().ToString();
        r.Metadata.Generation = 1;
        r.Metadata.CreationTimestamp = now;
        r.Metadata.DeletionTimestamp = null;
        r.Metadata.ResourceVersion = null;
        return r;
    }

    /// <summary>Spec and client-owned metadata from incoming; identity, timestamps and status from stored.</summary>
    public static Resource ForUpdate(Resource stored, Resource incoming)
    {
        var r = ResourceJson.Clone(incoming);
        var (sm, rm) = (stored.Metadata, r.Metadata);
        rm.Uid = sm.Uid;
        rm.CreationTimestamp = sm.CreationTimestamp;
        rm.DeletionTimestamp = sm.DeletionTimestamp;
        rm.Generation = SpecChanged(stored, incoming) ? sm.Generation + 1 : sm.Generation;
        CopyStatus(from: stored, to: r);
        return r;
    }

    /// <summary>
    /// An apply (a manifest, not a read-modify-write): like <see cref="ForUpdate"/>, but finalizers and
    /// ownerReferences are the controller's, so a manifest that names none keeps the stored ones
    /// (re-applying a Coastfile or `coast build` must not strip a project's finalizer or a build's owner).
    /// </summary>
    public static Resource ForApply(Resource stored, Resource incoming)
    {
        var r = ForUpdate(stored, incoming);
        if (r.Metadata.Finalizers.Count == 0) r.Metadata.Finalizers = [.. stored.Metadata.Finalizers];
        if (r.Metadata.OwnerReferences.Count == 0)
            r.Metadata.OwnerReferences = stored.Metadata.OwnerReferences.Select(o => new OwnerReference
                { ApiVersion = o.ApiVersion, Kind = o.Kind, Name = o.Name, Uid = o.Uid, Controller = o.Controller }).ToList();
        return r;
    }

    /// <summary>Status from incoming; everything else from stored.</summary>
    public static Resource ForStatus(Resource stored, Resource incoming)
    {
        var r = ResourceJson.Clone(stored);
        CopyStatus(from: incoming, to: r);
        return r;
    }

    public static bool SpecChanged(Resource a, Resource b) =>
        ResourceJson.Canonical(a.SpecObject) != ResourceJson.Canonical(b.SpecObject);

    /// <summary>True when the two differ in anything but resourceVersion.</summary>
    public static bool Differs(Resource a, Resource b)
    {
        var (va, vb) = (a.Metadata.ResourceVersion, b.Metadata.ResourceVersion);
        a.Metadata.ResourceVersion = b.Metadata.ResourceVersion = null;
        try { return ResourceJson.Serialize(a) != ResourceJson.Serialize(b); }
        finally { (a.Metadata.ResourceVersion, b.Metadata.ResourceVersion) = (va, vb); }
    }

    private static void CopyStatus(Resource from, Resource to) => to.CopyStatusFrom(from);
}
