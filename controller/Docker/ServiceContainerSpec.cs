namespace Coast.Controller.Docker;

/// <summary>
/// A plain service container on the host engine (a shared service): on one network under an alias, with
/// host ports (all addresses: the Coastfile names them), volumes ("name:/path" or "/host:/path") and env.
/// </summary>
public sealed record ServiceContainerSpec(
    string Name,
    string Image,
    string Network,
    string Alias,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<(int HostPort, int ContainerPort)> Ports,
    IReadOnlyList<string> Volumes);
