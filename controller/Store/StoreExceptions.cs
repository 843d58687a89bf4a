using Coast.ApiTypes.Model;

namespace Coast.Controller.Store;

/// <summary>Base of errors the store reports about a resource.</summary>
public abstract class StoreException(string message) : Exception(message);

/// <summary>The write carried a stale resourceVersion: someone else wrote first. Re-read and retry.</summary>
public sealed class ConflictException(ResourceKey key)
    : StoreException($"{key} was modified by someone else; re-read it and try again.")
{
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
