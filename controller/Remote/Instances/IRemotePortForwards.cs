using Coast.ApiTypes.Kinds;

namespace Coast.Controller.Remote.Instances;

/// <summary>One hop of the chain: localhost:local_dynamic -> SSH -> remote 127.0.0.1:remote_dynamic.</summary>
public sealed record PortHop(string Service, int LocalDynamic, int RemoteDynamic);

/// <summary>
/// The seam for a remote instance's service forwards. <see cref="TunnelPortForwards"/> declares them as a Tunnel
/// owned by the Instance, which the Tunnel reconciler keeps up and heals.
/// </summary>
public interface IRemotePortForwards
{
    /// <summary>Makes the instance's forwards and reverse binds (its shared services) exactly these (idempotent; a stale or changed one is replaced).</summary>
    Task EnsureAsync(Instance instance, IReadOnlyList<PortHop> hops, IReadOnlyList<TunnelReverseBind> reverse, CancellationToken ct);

    /// <summary>Removes every forward of the instance.</summary>
    Task RemoveAsync(Instance instance, CancellationToken ct);
}
