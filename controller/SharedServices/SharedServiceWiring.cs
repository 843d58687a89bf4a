using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.SharedServices;

/// <summary>
/// What one instance gets from its project's shared services: each service's name mapped to its address on the
/// shared network, and each `inject`ed URL as env (`env:NAME`) or as a file (`file:/abs/path`). With
/// auto_create_db and no `inject`, the URL goes into DATABASE_URL.
/// </summary>
public sealed record SharedServiceWiring(
    IReadOnlyDictionary<string, string> Hosts, IReadOnlyDictionary<string, string> Env, IReadOnlyDictionary<string, string> Files)
{
    public static SharedServiceWiring None { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());

    public bool IsEmpty => Hosts.Count == 0 && Env.Count == 0 && Files.Count == 0;

    public static async Task<SharedServiceWiring> ForAsync(IResourceStore store, Project project, string instance, CancellationToken ct)
    {
        if (project.Spec.SharedServices.Count == 0) return None;
        var hosts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var shared in (await store.ListAsync(SharedService.KindName, project.Metadata.Name, null, ct)).Cast<SharedService>())
        {
            if (shared.Spec.Project != project.Metadata.Name || shared.Status.Address is not { Length: > 0 } address) continue;
            hosts[shared.Spec.Service] = address;
            var target = shared.Spec.Inject ?? (shared.Spec.AutoCreateDb ? "env:DATABASE_URL" : null);
            if (target is null) continue;
            var url = Url(shared.Spec, instance);
            if (target.StartsWith("env:", StringComparison.Ordinal)) env[target[4..]] = url;
            else if (target.StartsWith("file:", StringComparison.Ordinal)) files[target[5..]] = url;
        }
        return new SharedServiceWiring(hosts, env, files);
    }

    /// <summary>postgres://user[:password]@service:port/database, redis://service:port, otherwise tcp://service:port.</summary>
    public static string Url(SharedServiceSpec spec, string instance)
    {
        var port = SharedServicePlan.ServicePort(spec);
        if (SharedServicePlan.IsPostgres(spec))
        {
            var user = SharedServiceDatabases.User(spec);
            var password = spec.Env.GetValueOrDefault("POSTGRES_PASSWORD") is { Length: > 0 } pw ? ":" + Uri.EscapeDataString(pw) : "";
            var db = spec.AutoCreateDb ? SharedServiceDatabases.NameFor(instance) : spec.Env.GetValueOrDefault("POSTGRES_DB") ?? user;
            return $"postgres://{Uri.EscapeDataString(user)}{password}@{spec.Service}:{port}/{db}";
        }
        return SharedServicePlan.IsRedis(spec) ? $"redis://{spec.Service}:{port}" : $"tcp://{spec.Service}:{port}";
    }
}

/// <summary>The shared services' injected env for bare services (the supervisor exports it).</summary>
public sealed class SharedServiceEnvironment(IResourceStore store) : Instances.BareServices.IServiceEnvironment
{
    public async Task<IReadOnlyDictionary<string, string>> ForServiceAsync(Project project, Instance instance, string service, CancellationToken ct) =>
        (await SharedServiceWiring.ForAsync(store, project, instance.Metadata.Name, ct)).Env;
}
