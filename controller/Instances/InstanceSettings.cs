using Coast.Controller.Docker;

namespace Coast.Controller.Instances;

/// <summary>Machine-level settings for local instances. COAST_DIND_PROFILE=privileged selects --privileged.</summary>
public sealed record InstanceSettings(DindPrivilegeProfile Privileges, TimeSpan InnerEngineTimeout)
{
    public static InstanceSettings FromEnvironment() => new(
        Environment.GetEnvironmentVariable("COAST_DIND_PROFILE") == "privileged"
            ? DindPrivilegeProfile.Privileged
            : DindPrivilegeProfile.CapAllMinusSysResource,
        TimeSpan.FromSeconds(60));
}
