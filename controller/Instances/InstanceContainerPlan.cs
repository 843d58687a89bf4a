using Coast.ApiTypes.Model;
using System.Security.Cryptography;
using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;

namespace Coast.Controller.Instances;

/// <summary>The DinD container an Instance should have, and the hash that detects drift from it.</summary>
public static class InstanceContainerPlan
{
    /// <param name="socketDir">Where the inner engine publishes its socket; the Coast home's by default (the remote agent passes its own).</param>
    public static DindContainerSpec For(Instance instance, Project project, string image, InstanceSettings settings, string? socketDir = null)
    {
        var p = project.Metadata.Name;
        var i = instance.Metadata.Name;
        var env = new SortedDictionary<string, string>
        {
            ["COAST_PROJECT"] = p,
            ["INSTANCE_NAME"] = i,
            [WorktreeVariable] = InstanceLayout.WorktreePath(instance, project) ?? "",
            ["COAST_PRIVATE_PATHS"] = string.Join(':', project.Spec.PrivatePaths),
            ["COAST_SOCKET_GID"] = InnerEngineSocket.SocketGroup,
        };
        if (settings.InnerFirewall) env["COAST_INNER_IPTABLES"] = "on";
        foreach (var port in instance.Status.Ports) env[$"{port.Name.ToUpperInvariant().Replace('-', '_')}_DYNAMIC_PORT"] = port.Dynamic.ToString();
        var ports = instance.Status.Ports.Select(x => (x.Dynamic, x.Canonical)).OrderBy(x => x.Canonical).ToList();
        var labels = CoastLabels.ForInstance(p, i, instance.Metadata.Uid ?? "");
        var spec = new DindContainerSpec(CoastNames.InstanceContainer(p, i), image, CoastNames.DindVolume(p, i),
            project.Spec.RootDir, socketDir ?? InnerEngineSocket.HostDir(p, i), labels, env, ports, settings.Privileges,
            Volumes.InstanceVolumes.For(project, instance).Select(v => (v.Name, v.DindTarget)).ToList());
        labels[CoastLabels.SpecHash] = Hash(spec);
        return spec;
    }

    /// <summary>
    /// The worktree the entrypoint mounts at a start. Not part of the hash: `coast assign` switches /workspace in place
    /// (Assign.AssignStep), and after a restart the reconciler moves it back to spec.worktree.
    /// </summary>
    private const string WorktreeVariable = "COAST_WORKTREE";

    private static string Hash(DindContainerSpec s)
    {
        var text = new StringBuilder()
            .Append(s.Image).Append('|').Append(s.ProjectRoot).Append('|').Append(s.SocketDir).Append('|').Append(s.Privileges).Append('|')
            .AppendJoin(',', s.Environment.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={(kv.Key == WorktreeVariable ? "" : kv.Value)}")).Append('|')
            .AppendJoin(',', s.Ports.Select(x => $"{x.HostPort}:{x.ContainerPort}"));
        // Only when there are any: containers of projects without [volumes] keep their hash.
        if (s.Volumes is { Count: > 0 } volumes) text.Append('|').AppendJoin(',', volumes.Select(v => $"{v.Volume}:{v.Target}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
