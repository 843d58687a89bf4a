using System.Diagnostics.CodeAnalysis;
using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Model;

/// <summary>What Coast knows about each kind: its CLR type, names on the command line, and scope.</summary>
public sealed record KindInfo(string Kind,
    [param: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    Type ClrType, string Plural, string[] ShortNames, bool Namespaced);

public static class ResourceKinds
{
    public static readonly IReadOnlyList<KindInfo> All =
    [
        new(Project.KindName, typeof(Project), "projects", ["project", "proj"], Namespaced: true),
        new(Instance.KindName, typeof(Instance), "instances", ["instance", "inst", "in"], Namespaced: true),
        new(Checkout.KindName, typeof(Checkout), "checkouts", ["checkout", "co"], Namespaced: true),
        new(Build.KindName, typeof(Build), "builds", ["build"], Namespaced: true),
        new(RemoteHost.KindName, typeof(RemoteHost), "remotehosts", ["remotehost", "rh", "remote"], Namespaced: false),
        new(Tunnel.KindName, typeof(Tunnel), "tunnels", ["tunnel", "tun"], Namespaced: true),
        new(SyncSession.KindName, typeof(SyncSession), "syncsessions", ["syncsession", "sync", "ss"], Namespaced: true),
        new(GitSource.KindName, typeof(GitSource), "gitsources", ["gitsource", "gs", "source"], Namespaced: false),
        new(Secret.KindName, typeof(Secret), "secrets", ["secret"], Namespaced: true),
        new(SharedService.KindName, typeof(SharedService), "sharedservices", ["sharedservice", "shared", "svc"], Namespaced: true),
    ];

    /// <summary>Finds a kind by its name, plural or short name, ignoring case; null if unknown.</summary>
    public static KindInfo? Find(string name) =>
        All.FirstOrDefault(k =>
            string.Equals(k.Kind, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Plural, name, StringComparison.OrdinalIgnoreCase)
            || k.ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase));

    public static KindInfo Get(string kind) =>
        Find(kind) ?? throw new ArgumentException($"Unknown kind '{kind}'. Known kinds: {string.Join(", ", All.Select(k => k.Kind))}.");

    public static Resource New(string kind) => (Resource)Activator.CreateInstance(Get(kind).ClrType)!;
}
