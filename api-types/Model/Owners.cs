namespace Coast.ApiTypes.Model;

/// <summary>
/// Reading and setting metadata.ownerReferences (controller-runtime's SetControllerReference): a child
/// names its owner by kind, name and uid; the owner must live in the child's namespace.
/// </summary>
public static class Owners
{
    /// <summary>Makes <paramref name="owner"/> the child's owner; returns false when it already was.</summary>
    public static bool Set(Resource child, Resource owner)
    {
        if (owner.Metadata.Uid is not { Length: > 0 } uid)
            throw new ArgumentException($"{owner.Key} has no uid yet: only a stored resource can own another.");
        if (owner.Metadata.Namespace != child.Metadata.Namespace)
            throw new ArgumentException($"{owner.Key} cannot own {child.Key}: owners live in the child's namespace.");
        var refs = child.Metadata.OwnerReferences;
        if (refs.Any(r => r.Kind == owner.Kind && r.Name == owner.Metadata.Name && r.Uid == uid)) return false;
        refs.RemoveAll(r => r.Kind == owner.Kind && r.Name == owner.Metadata.Name);
        refs.Add(new OwnerReference { Kind = owner.Kind, Name = owner.Metadata.Name, Uid = uid });
        return true;
    }

    /// <summary>True when <paramref name="child"/> names <paramref name="owner"/> (by uid) among its owners.</summary>
    public static bool IsOwnedBy(Resource child, Resource owner) =>
        owner.Metadata.Uid is { } uid && child.Metadata.OwnerReferences.Any(r => r.Uid == uid && r.Kind == owner.Kind);

    /// <summary>The keys of the child's owners of one kind.</summary>
    public static IEnumerable<ResourceKey> KeysOf(Resource child, string ownerKind) =>
        child.Metadata.OwnerReferences.Where(r => r.Kind == ownerKind)
            .Select(r => new ResourceKey(ownerKind, child.Metadata.Namespace, r.Name));
}
