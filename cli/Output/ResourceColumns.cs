using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;

namespace Coast.Cli.Output;

/// <summary>The columns `coast get` shows for each kind (wide adds the extra ones).</summary>
public static class ResourceColumns
{
    public sealed record Column(string Header, Func<Resource, string> Value, bool WideOnly = false);

    public static IReadOnlyList<Column> For(KindInfo kind, DateTimeOffset now)
    {
        var columns = new List<Column> { new("NAME", r => r.Metadata.Name) };
        if (kind.Namespaced) columns.Add(new("PROJECT", r => r.Metadata.Namespace));
        columns.AddRange(KindSpecific(kind.Kind));
        columns.Add(new("READY", Ready));
        columns.Add(new("PHASE", r => r.StatusObject.Phase ?? "-"));
        columns.Add(new("AGE", r => Age.Format(r.Metadata.CreationTimestamp, now)));
        columns.Add(new("GEN", r => $"{r.StatusObject.ObservedGeneration}/{r.Metadata.Generation}", WideOnly: true));
        return columns;
    }

    private static string Ready(Resource r)
    {
        var ready = r.StatusObject.Conditions.FirstOrDefault(c => c.Type == "Ready");
        if (r.Metadata.DeletionTimestamp is not null) return "Deleting";
        return ready?.Status ?? "-";
    }

    private static IEnumerable<Column> KindSpecific(string kind) => kind switch
    {
        Instance.KindName =>
        [
            new("STATE", r => ((Instance)r).Spec.State),
            new("PORTS", r => string.Join(",", ((Instance)r).Status.Ports.Select(p => $"{p.Canonical}:{p.Dynamic}")), WideOnly: true),
            new("REMOTE", r => ((Instance)r).Spec.RemoteHost ?? "-", WideOnly: true),
        ],
        Checkout.KindName => [new("INSTANCE", r => ((Checkout)r).Spec.Instance ?? "<none>")],
        Project.KindName => [new("ROOT", r => ((Project)r).Spec.RootDir, WideOnly: true)],
        Build.KindName => [new("IMAGE", r => ((Build)r).Status.InstanceImage ?? "-", WideOnly: true)],
        RemoteHost.KindName =>
        [
            new("HOST", r => $"{((RemoteHost)r).Spec.User}@{((RemoteHost)r).Spec.Host}:{((RemoteHost)r).Spec.Port}"),
        ],
        GitSource.KindName =>
        [
            new("URL", r => ((GitSource)r).Spec.Url, WideOnly: true),
            new("BRANCH", r => ((GitSource)r).Spec.Branch),
            new("APPLIED", r => ShortRevision(((GitSource)r).Status.LastAppliedRevision)),
            new("ATTEMPTED", r => ShortRevision(((GitSource)r).Status.LastAttemptedRevision)),
            new("SUSPENDED", r => ((GitSource)r).Spec.Suspend ? "True" : "False"),
        ],
        _ => [],
    };

    /// <summary>"main@sha1:0123abc" (seven hex digits) of "main@sha1:&lt;40 hex&gt;"; "-" when none.</summary>
    public static string ShortRevision(string? revision) =>
        revision is null ? "-" : revision.Length > revision.IndexOf("sha1:", StringComparison.Ordinal) + 12 && revision.Contains("sha1:")
            ? revision[..(revision.IndexOf("sha1:", StringComparison.Ordinal) + 12)] : revision;
}
