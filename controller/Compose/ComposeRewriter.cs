using YamlDotNet.RepresentationModel;
using Coast.ApiTypes.Compose;

namespace Coast.Controller.Compose;

/// <summary>What to change when a compose file moves inside an instance.</summary>
public sealed record ComposeRewriteOptions(
    IReadOnlyDictionary<string, string> BuiltImages,
    IReadOnlyCollection<string> RemovedServices,
    IReadOnlyCollection<string> SharedServices,
    string? OuterGatewayAddress,
    IReadOnlyDictionary<string, string>? SharedAddresses = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    IReadOnlyCollection<string>? ReadOnlyMounts = null);

/// <summary>
/// Rewrites a compose file for the inner engine: shared/remote/omitted services and every depends_on on
/// them go, volumes only they used go, `build:` becomes the per-build image, shared services resolve to
/// the outer gateway, and a host port published twice is an error. Everything else is left alone.
/// </summary>
public static class ComposeRewriter
{
    public static string Rewrite(ComposeFile file, ComposeRewriteOptions options)
    {
        var root = file.Root;
        var services = file.Services;
        var removed = options.RemovedServices.Concat(options.SharedServices).ToHashSet();
        var volumesOfRemoved = new HashSet<string>();
        foreach (var name in file.ServiceNames.Where(removed.Contains).ToList())
        {
            volumesOfRemoved.UnionWith(NamedVolumes(file.Service(name)));
            services.Children.Remove(new YamlScalarNode(name));
        }

        var seenPorts = new Dictionary<string, string>();
        foreach (var name in file.ServiceNames.ToList())
        {
            var svc = file.Service(name);
            RemoveDependencies(svc, removed);
            if (options.BuiltImages.TryGetValue(name, out var image))
            {
                svc.Children.Remove(new YamlScalarNode("build"));
                svc.Children[new YamlScalarNode("image")] = new YamlScalarNode(image);
            }
            if (options.SharedServices.Count > 0 && options.OuterGatewayAddress is { } gateway)
                AddExtraHosts(svc, options.SharedServices.Select(s => $"{s}:{gateway}"));
            if (options.SharedAddresses is { Count: > 0 } addresses)
                AddExtraHosts(svc, addresses.Select(a => $"{a.Key}:{a.Value}"));
            if (options.Environment is { Count: > 0 } environment) AddEnvironment(svc, environment);
            if (options.ReadOnlyMounts is { Count: > 0 } mounts) AddMounts(svc, mounts);
            foreach (var hostPort in HostPorts(svc))
            {
                if (seenPorts.TryGetValue(hostPort, out var other))
                    throw new ComposeException($"compose file {file.Source}: services '{other}' and '{name}' both publish host port {hostPort}");
                seenPorts[hostPort] = name;
            }
        }

        var stillUsed = file.ServiceNames.SelectMany(n => NamedVolumes(file.Service(n))).ToHashSet();
        if (root.Children.TryGetValue(new YamlScalarNode("volumes"), out var top) && top is YamlMappingNode topVolumes)
            foreach (var v in volumesOfRemoved.Where(v => !stillUsed.Contains(v)))
                topVolumes.Children.Remove(new YamlScalarNode(v));
        return file.Serialize();
    }

    private static void RemoveDependencies(YamlMappingNode svc, HashSet<string> removed)
    {
        if (!svc.Children.TryGetValue(new YamlScalarNode("depends_on"), out var deps)) return;
        switch (deps)
        {
            case YamlSequenceNode list:
                foreach (var d in list.Children.OfType<YamlScalarNode>().Where(d => removed.Contains(d.Value!)).ToList()) list.Children.Remove(d);
                if (list.Children.Count == 0) svc.Children.Remove(new YamlScalarNode("depends_on"));
                break;
            case YamlMappingNode map:
                foreach (var d in map.Children.Keys.OfType<YamlScalarNode>().Where(d => removed.Contains(d.Value!)).ToList()) map.Children.Remove(d);
                if (map.Children.Count == 0) svc.Children.Remove(new YamlScalarNode("depends_on"));
                break;
        }
    }

    private static void AddExtraHosts(YamlMappingNode svc, IEnumerable<string> entries)
    {
        if (!svc.Children.TryGetValue(new YamlScalarNode("extra_hosts"), out var existing) || existing is not YamlSequenceNode list)
        {
            list = new YamlSequenceNode();
            svc.Children[new YamlScalarNode("extra_hosts")] = list;
        }
        foreach (var e in entries) list.Children.Add(new YamlScalarNode(e));
    }

    /// <summary>Adds (or overrides) variables in `environment:`, which may be a map or a list of "K=V".</summary>
    private static void AddEnvironment(YamlMappingNode svc, IReadOnlyDictionary<string, string> env)
    {
        if (svc.Children.TryGetValue(new YamlScalarNode("environment"), out var existing) && existing is YamlSequenceNode list)
        {
            foreach (var item in list.Children.OfType<YamlScalarNode>().Where(i => env.ContainsKey(i.Value!.Split('=')[0])).ToList()) list.Children.Remove(item);
            foreach (var (k, v) in env) list.Children.Add(new YamlScalarNode($"{k}={v}"));
            return;
        }
        if (existing is not YamlMappingNode map)
        {
            map = new YamlMappingNode();
            svc.Children[new YamlScalarNode("environment")] = map;
        }
        foreach (var (k, v) in env) map.Children[new YamlScalarNode(k)] = new YamlScalarNode(v);
    }

    /// <summary>Bind-mounts each path of the instance container read-only at the same path (injected files).</summary>
    private static void AddMounts(YamlMappingNode svc, IReadOnlyCollection<string> paths)
    {
        if (!svc.Children.TryGetValue(new YamlScalarNode("volumes"), out var existing) || existing is not YamlSequenceNode list)
        {
            list = new YamlSequenceNode();
            svc.Children[new YamlScalarNode("volumes")] = list;
        }
        foreach (var p in paths) list.Children.Add(new YamlScalarNode($"{p}:{p}:ro"));
    }

    /// <summary>Host ports a service publishes ("8080:80", "127.0.0.1:8080:80", or long form "published").</summary>
    private static IEnumerable<string> HostPorts(YamlMappingNode svc)
    {
        if (!svc.Children.TryGetValue(new YamlScalarNode("ports"), out var ports) || ports is not YamlSequenceNode list) yield break;
        foreach (var p in list.Children)
        {
            if (p is YamlScalarNode s && s.Value is { } text)
            {
                var parts = text.Split('/')[0].Split(':');
                if (parts.Length >= 2) yield return parts[^2];
            }
            else if (p is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("published"), out var pub))
                yield return pub.ToString();
        }
    }

    private static IEnumerable<string> NamedVolumes(YamlMappingNode svc)
    {
        if (!svc.Children.TryGetValue(new YamlScalarNode("volumes"), out var vols) || vols is not YamlSequenceNode list) yield break;
        foreach (var v in list.Children.OfType<YamlScalarNode>())
        {
            var source = v.Value!.Split(':')[0];
            if (!source.StartsWith('.') && !source.StartsWith('/') && !source.StartsWith('~')) yield return source;
        }
    }
}
