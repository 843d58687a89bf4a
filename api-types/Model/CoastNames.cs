namespace Coast.ApiTypes.Model;

/// <summary>Names of outside things, matching the Coasts conventions (COASTS-COMPAT.md).</summary>
public static class CoastNames
{
    public static string InstanceContainer(string project, string instance) => $"{project}-coasts-{instance}";
    public static string DindVolume(string project, string instance) => $"coast-dind--{project}--{instance}";
    public static string IsolatedVolume(string project, string instance, string volume) => $"coast--{project}--{instance}--{volume}";
    public static string SharedVolume(string project, string volume) => $"coast-shared--{project}--{volume}";
    public static string InnerComposeProject(string project) => $"coast-{project}";
    public static string BuiltImage(string project, string service, string build) => $"coast-{project}/{service}:{build}";
    public static string InstanceImage(string project, string build) => $"coast-{project}/instance:{build}";
    public static string SharedContainer(string project, string service) => $"{project}-shared-services-{service}";
    public static string SharedNetwork(string project) => $"coast-shared-{project}";
}
