namespace Coast.Controller.Docker;

/// <summary>Labels on everything Coast creates outside: actual state is found by these, not by stored ids.</summary>
public static class CoastLabels
{
    public const string Managed = "coast.managed";
    public const string Project = "coast.project";
    public const string Instance = "coast.instance";
    public const string OwnerUid = "coast.dev/owner-uid";
    public const string SpecHash = "coast.dev/spec-hash";
    public const string ImageRecipe = "coast.dev/image-recipe";

    public static Dictionary<string, string> ForInstance(string project, string instance, string ownerUid) => new()
    {
        [Managed] = "true",
        [Project] = project,
        [Instance] = instance,
        [OwnerUid] = ownerUid,
    };
}
