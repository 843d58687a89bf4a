using Coast.ApiTypes.Model;

namespace Coast.Client.Store;

/// <summary>Base of errors the store reports about a resource.</summary>
public abstract class StoreException(string message) : Exception(message);

/// <summary>The write carried a stale resourceVersion: someone else wrote first. Re-read and retry.</summary>
public sealed class ConflictException(ResourceKey key, string message) : StoreException(message)
{
    public ConflictException(ResourceKey key) : this(key, $"{key} was modified by someone else; re-read it and try again.") { }

    /// <summary>An apply carried a resourceVersion that is no longer the stored one (or the resource is gone).</summary>
    public static ConflictException Stale(ResourceKey key, string readVersion, bool deleted) => new(key, deleted
        ? $"{key} was deleted after resourceVersion {readVersion} was read; remove metadata.resourceVersion to create it again."
        : $"{key} changed after resourceVersion {readVersion} was read; get it again and re-apply your edit, or remove metadata.resourceVersion to overwrite.");

    public ResourceKey Key { get; } = key;
}

public sealed class NotFoundException(ResourceKey key)
    : StoreException($"{key.Kind} '{key.Name}' not found{(string.IsNullOrEmpty(key.Namespace) ? "" : $" in project '{key.Namespace}'")}.")
{
    public ResourceKey Key { get; } = key;
}

public sealed class AlreadyExistsException(ResourceKey key)
    : StoreException($"{key.Kind} '{key.Name}' already exists{(string.IsNullOrEmpty(key.Namespace) ? "" : $" in project '{key.Namespace}'")}.")
{
    public ResourceKey Key { get; } = key;
}
