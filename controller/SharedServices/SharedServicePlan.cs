using Coast.ApiTypes.Model;
using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;

namespace Coast.Controller.SharedServices;

/// <summary>The container a SharedService should have, the named volumes it mounts, and the hash that detects drift.</summary>
public sealed record SharedServicePlan(ServiceContainerSpec Container, IReadOnlyList<string> NamedVolumes, IReadOnlyDictionary<string, string> Labels)
{
    public const string ServiceLabel = "coast.dev/shared-service";

    public static SharedServicePlan For(SharedService shared)
    {
        var p = shared.Spec.Project;
        var svc = shared.Spec.Service;
        var labels = new Dictionary<string, string>
        {
            [CoastLabels.Managed] = "true",
            [CoastLabels.Project] = p,
            [ServiceLabel] = svc,
            [CoastLabels.OwnerUid] = shared.Metadata.Uid ?? "",
        };
        var named = new List<string>();
        var binds = new List<string>();
        foreach (var v in shared.Spec.Volumes)
        {
            var (source, rest) = (v[..v.IndexOf(':')], v[(v.IndexOf(':') + 1)..]);
            if (source.StartsWith('/')) binds.Add(v);
            else
            {
                var volume = CoastNames.SharedVolume(p, source);
                named.Add(volume);
                binds.Add($"{volume}:{rest}");
            }
        }
        var spec = new ServiceContainerSpec(CoastNames.SharedContainer(p, svc), shared.Spec.Image, CoastNames.SharedNetwork(p), svc,
            labels, new SortedDictionary<string, string>(shared.Spec.Env), Ports(shared.Spec), binds);
        labels[CoastLabels.SpecHash] = Hash(spec);
        return new SharedServicePlan(spec, named, VolumeLabels(p, svc));
    }

    /// <summary>Labels of the named volumes: the project and service, no owner uid (data outlives the resource).</summary>
    public static Dictionary<string, string> VolumeLabels(string project, string service) => new()
    {
        [CoastLabels.Managed] = "true",
        [CoastLabels.Project] = project,
        [ServiceLabel] = service,
    };

    /// <summary>"5432" is 5432 on both sides; "5433:5432" is host:container.</summary>
    public static IReadOnlyList<(int HostPort, int ContainerPort)> Ports(SharedServiceSpec spec) =>
        spec.Ports.Select(p => p.Split(':') is [var h, var c] ? (int.Parse(h), int.Parse(c)) : (int.Parse(p), int.Parse(p))).ToList();

    /// <summary>The port instances reach the service on: the first container port, or the image's usual one.</summary>
    public static int ServicePort(SharedServiceSpec spec) =>
        Ports(spec) is [var first, ..] ? first.ContainerPort : spec.AutoCreateDb || IsPostgres(spec) ? 5432 : IsRedis(spec) ? 6379 : 0;

    public static bool IsPostgres(SharedServiceSpec spec) => spec.AutoCreateDb || spec.Image.Contains("postgres") || spec.Service.Contains("postgres");
    public static bool IsRedis(SharedServiceSpec spec) => spec.Image.Contains("redis") || spec.Service.Contains("redis");

    private static string Hash(ServiceContainerSpec s)
    {
        var text = new StringBuilder().Append(s.Image).Append('|').Append(s.Network).Append('|').Append(s.Alias).Append('|')
            .AppendJoin(',', s.Environment.Select(kv => $"{kv.Key}={kv.Value}")).Append('|')
            .AppendJoin(',', s.Ports.Select(x => $"{x.HostPort}:{x.ContainerPort}")).Append('|').AppendJoin(',', s.Volumes);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
