using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Kinds;

namespace Coast.Controller.Instances.BareServices;

/// <summary>
/// One bare service as the supervisor should run it: the Coastfile's command, policy and install steps, the
/// build that keys the install cache, and one environment map (the Coastfile's env plus whatever the
/// registered <see cref="IServiceEnvironment"/> sources add, e.g. secrets and [inject]).
/// </summary>
public sealed record BareServicePlan(string Name, BareServiceSpec Spec, string BuildName, IReadOnlyDictionary<string, string> Env)
{
    /// <summary>The shell fragment the supervisor sources: its own COAST_SVC_* settings and the exported env.</summary>
    public string ShellSpec()
    {
        var install = string.Join('\n', Spec.Install);
        var installKey = install.Length == 0 ? "" : $"{BuildName}:{Hash(install)}";
        var s = new StringBuilder()
            .Append("COAST_SVC_COMMAND=").Append(Quote(Spec.Command)).Append('\n')
            .Append("COAST_SVC_RESTART=").Append(Quote(Spec.Restart)).Append('\n')
            .Append("COAST_SVC_AUTOSTART=").Append(Spec.Autostart ? "1" : "0").Append('\n')
            .Append("COAST_SVC_INSTALL=").Append(Quote(install)).Append('\n')
            .Append("COAST_SVC_INSTALL_KEY=").Append(Quote(installKey)).Append('\n');
        foreach (var (key, value) in Env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            s.Append("export ").Append(key).Append('=').Append(Quote(value)).Append('\n');
        return s.ToString();
    }

    /// <summary>The line `coast-services apply` reads for this service.</summary>
    public string ApplyLine() => $"{Name} {Convert.ToBase64String(Encoding.UTF8.GetBytes(ShellSpec()))}";

    /// <summary>The plans of a project's bare services for one instance, env sources merged in order (later wins).</summary>
    public static async Task<IReadOnlyList<BareServicePlan>> ForAsync(Project project, Instance instance, Build build,
        IEnumerable<IServiceEnvironment> sources, CancellationToken ct)
    {
        var plans = new List<BareServicePlan>();
        foreach (var (name, spec) in project.Spec.Services.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var env = new Dictionary<string, string>(spec.Env);
            foreach (var source in sources)
                foreach (var (k, v) in await source.ForServiceAsync(project, instance, name, ct)) env[k] = v;
            plans.Add(new BareServicePlan(name, spec, build.Metadata.Name, env));
        }
        return plans;
    }

    /// <summary>Single-quoted for sh: nothing inside is expanded.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}

/// <summary>
/// Adds environment to an instance's services (bare services today; secrets and [inject] values are meant to
/// come through here). Register implementations in DI; none is registered by default.
/// </summary>
public interface IServiceEnvironment
{
    Task<IReadOnlyDictionary<string, string>> ForServiceAsync(Project project, Instance instance, string service, CancellationToken ct);
}
