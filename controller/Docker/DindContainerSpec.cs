namespace Coast.Controller.Docker;

/// <summary>How DinD gets its privileges: --privileged on a normal machine, or the capability set that works on VMs lacking CAP_SYS_RESOURCE.</summary>
public enum DindPrivilegeProfile { CapAllMinusSysResource, Privileged }

/// <summary>Everything needed to create one instance's DinD container.</summary>
public sealed record DindContainerSpec(
    string Name,
    string Image,
    string DataVolume,
    string ProjectRoot,
    string SocketDir,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<(int HostPort, int ContainerPort)> Ports,
    DindPrivilegeProfile Privileges,
    IReadOnlyList<(string Volume, string Target)>? Volumes = null);

/// <summary>What Coast needs to know about a container. ImageId is the image it was created from (null when listed).</summary>
public sealed record ContainerState(string Id, string Name, bool Running, IReadOnlyDictionary<string, string> Labels, string? ImageId = null);

/// <summary>A container lifecycle event from the engine.</summary>
public sealed record ContainerEvent(string Action, IReadOnlyDictionary<string, string> Labels);

/// <summary>Output and exit code of a command run in a container.</summary>
public sealed record ExecResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>One `docker build`: context directory, Dockerfile (relative to the context), tag, labels and build arguments.</summary>
public sealed record ImageBuildRequest(
    string Context, string Dockerfile, string Tag, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> BuildArgs);
