using Coast.Controller.Docker;

namespace Coast.Controller.Instances;

/// <summary>
/// Machine-level settings for local instances. COAST_DIND_PROFILE=privileged selects --privileged;
/// COAST_INNER_IPTABLES=on keeps Docker's firewall set-up inside instances.
/// </summary>
public sealed record InstanceSettings(DindPrivilegeProfile Privileges, TimeSpan InnerEngineTimeout)
{
    /// <summary>How long a reconcile polls for every port to answer before it reports Starting and requeues.</summary>
    public TimeSpan PortWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// COAST_INNER_IPTABLES=on: the inner engine manages its own iptables (isolation between inner networks,
    /// published ports as rules). Off by default: that set-up costs about 0.5 s at every start.
    /// </summary>
    public bool InnerFirewall { get; init; }

    /// <summary>
    /// How long a started instance may have ports that do not answer before it is reported PortsNotAnswering
    /// (with its services' last log lines) and `coast run` fails; the controller keeps retrying with backoff.
    /// COAST_PORT_DEADLINE (seconds) overrides it.
    /// </summary>
    public TimeSpan PortDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Grace period for stopping an instance container before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static InstanceSettings FromEnvironment() => new(
        Environment.GetEnvironmentVariable("COAST_DIND_PROFILE") == "privileged"
            ? DindPrivilegeProfile.Privileged
            : DindPrivilegeProfile.CapAllMinusSysResource,
        TimeSpan.FromSeconds(60))
    {
        InnerFirewall = Environment.GetEnvironmentVariable("COAST_INNER_IPTABLES") == "on",
        PortDeadline = int.TryParse(Environment.GetEnvironmentVariable("COAST_PORT_DEADLINE"), out var s) && s > 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(60),
    };
}
