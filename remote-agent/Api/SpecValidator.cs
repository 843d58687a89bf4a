using Coast.ApiTypes.Remote;
using System.Text.RegularExpressions;

namespace Coast.RemoteAgent.Api;

/// <summary>Checks a PUT at the edge: every problem names its field; nothing is stored when one is found.</summary>
public static partial class SpecValidator
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123();

    public static bool IsName(string value) => Dns1123().IsMatch(value);

    public static List<string> Problems(string project, string name, RemoteInstanceSpec? spec)
    {
        var problems = new List<string>();
        if (!Dns1123().IsMatch(project)) problems.Add($"project: '{project}' is not a DNS-1123 label (a-z, 0-9, '-')");
        if (!Dns1123().IsMatch(name)) problems.Add($"name: '{name}' is not a DNS-1123 label (a-z, 0-9, '-')");
        if (spec is null) { problems.Add("body: expected a JSON remote instance spec"); return problems; }
        if (spec.DesiredState is not ("Running" or "Stopped"))
            problems.Add($"spec.desiredState: '{spec.DesiredState}' must be Running or Stopped");
        if (spec.Ports is null) { problems.Add("spec.ports: expected an object of service = port"); return problems; }
        foreach (var (service, port) in spec.Ports)
        {
            if (!Dns1123().IsMatch(service)) problems.Add($"spec.ports.{service}: the service name is not a DNS-1123 label");
            if (port is < 1 or > 65535) problems.Add($"spec.ports.{service}: {port} is not a port (1-65535)");
        }
        if (spec.Images is null || spec.Images.Any(string.IsNullOrWhiteSpace)) problems.Add("spec.images: expected a list of image references");
        if (spec.InstanceImage is { } image && string.IsNullOrWhiteSpace(image)) problems.Add("spec.instanceImage: empty");
        if (spec.ComposeWorkdir is not { Length: > 0 } w || !w.StartsWith("/workspace")) problems.Add("spec.composeWorkdir: must be /workspace or a path under it");
        spec.SharedServices ??= new();
        for (var i = 0; i < spec.SharedServices.Count; i++)
        {
            var shared = spec.SharedServices[i];
            var at = $"spec.sharedServices[{i}]";
            if (shared is null) { problems.Add($"{at}: expected an object"); continue; }
            if (string.IsNullOrWhiteSpace(shared.Name) || shared.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                problems.Add($"{at}.name: '{shared.Name}' is not a service name");
            if (shared.Port is < 1 or > 65535) problems.Add($"{at}.port: {shared.Port} is not a port (1-65535)");
            if (!System.Net.IPAddress.TryParse(shared.Alias ?? "", out var alias) || alias.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                problems.Add($"{at}.alias: '{shared.Alias}' is not an IPv4 address");
        }
        if (spec.SharedServices.GroupBy(s => s?.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            problems.Add($"spec.sharedServices: '{twice.Key}' appears twice");
        if (spec.Injected is not null && spec.InjectedFingerprint is not { Length: > 0 })
            problems.Add("spec.injectedFingerprint: required with spec.injected");
        // Names and paths only: an injected value is never echoed back.
        if (spec.Injected is { } inj)
        {
            inj.Env ??= new();
            inj.Files ??= new();
            foreach (var key in inj.Env.Keys.Where(k => k.Length == 0 || k.Contains('=') || k.Contains('\n')))
                problems.Add($"spec.injected.env: '{key}' is not a variable name");
            foreach (var f in inj.Files.Where(f => f is null || !f.Target.StartsWith('/') || f.Name.Contains('/') || f.Name.Length == 0))
                problems.Add($"spec.injected.files: '{f?.Target}' needs an absolute target and a plain name");
        }
        spec.AssignSteps ??= new();
        for (var i = 0; i < spec.AssignSteps.Count; i++)
        {
            var step = spec.AssignSteps[i];
            var at = $"spec.assignSteps[{i}]";
            if (step is null) { problems.Add($"{at}: expected an object"); continue; }
            if (string.IsNullOrWhiteSpace(step.Service) || step.Service.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                problems.Add($"{at}.service: '{step.Service}' is not a service name");
            if (step.Action is not ("none" or "hot" or "restart" or "rebuild")) problems.Add($"{at}.action: '{step.Action}' must be none, hot, restart or rebuild");
            if (step.Rebuild is { } b && (!b.Context.StartsWith("/workspace") || !b.Dockerfile.StartsWith("/workspace") || string.IsNullOrWhiteSpace(b.Image)))
                problems.Add($"{at}.rebuild: needs an image and a context and Dockerfile under /workspace");
        }
        if (spec.Worktree is { } wt && (wt.Length == 0 || wt.StartsWith('/') || wt.Split('/').Contains("..")))
            problems.Add($"spec.worktree: '{wt}' must be a path relative to the project root");
        spec.Healthchecks ??= new();
        spec.PrivatePaths ??= new();
        return problems;
    }
}
