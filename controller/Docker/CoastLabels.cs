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

    /// <summary>
    /// COAST_EXTRA_LABELS ("k=v,k=v"): labels added to every container, volume and image this process
    /// creates, like Testcontainers' session label. The test suite sets `coast.test.run=ID` with it, so
    /// scripts/test.sh finds what a run (or an earlier, killed run) left behind by one label query.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Extra { get; } = ParseExtra(Environment.GetEnvironmentVariable("COAST_EXTRA_LABELS"));

    public static Dictionary<string, string> ForInstance(string project, string instance, string ownerUid) => new()
    {
        [Managed] = "true",
        [Project] = project,
        [Instance] = instance,
        [OwnerUid] = ownerUid,
    };

    /// <summary>The given labels plus <see cref="Extra"/> (the given ones win).</summary>
    public static Dictionary<string, string> Stamp(IReadOnlyDictionary<string, string> labels)
    {
        var all = new Dictionary<string, string>(Extra);
        foreach (var (k, v) in labels) all[k] = v;
        return all;
    }

    internal static Dictionary<string, string> ParseExtra(string? value)
    {
        var labels = new Dictionary<string, string>();
        foreach (var pair in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0) labels[pair[..eq]] = pair[(eq + 1)..];
        }
        return labels;
    }
}
