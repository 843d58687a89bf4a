using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;

namespace Coast.Controller.Remote.Instances;

/// <summary>One hop of the chain: localhost:local_dynamic -> SSH -> remote 127.0.0.1:remote_dynamic.</summary>
public sealed record PortHop(string Service, int LocalDynamic, int RemoteDynamic);

/// <summary>
/// The seam for a remote instance's service forwards. Today <see cref="SshPortForwards"/> holds them on the host's
/// connection; once the Tunnel kind exists, an implementation that writes a Tunnel owned by the Instance replaces it.
/// </summary>
public interface IRemotePortForwards
{
    /// <summary>Makes the instance's forwards exactly these (idempotent; a stale or changed one is replaced).</summary>
    Task EnsureAsync(ResourceKey instance, SshConnection connection, IReadOnlyList<PortHop> hops, CancellationToken ct);

    /// <summary>Removes every forward of the instance.</summary>
    Task RemoveAsync(ResourceKey instance, CancellationToken ct);
}
