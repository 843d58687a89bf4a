using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules for a Project spec (what a Coastfile says); paths are spec.* field paths.</summary>
internal static class ProjectValidator
{
    private static readonly string[] AssignActions = ["none", "hot", "restart", "rebuild"];

    public static void Validate(Project project, Problems p)
    {
        var s = project.Spec;
        if (!string.IsNullOrEmpty(s.RootDir)) p.AbsolutePath("spec.rootDir", s.RootDir);
        if (s.Runtime != "dind") p.Add("spec.runtime", $"runtime '{s.Runtime}' is not supported; only 'dind'");
        if (s.Compose is not null) RelativePath("spec.compose", s.Compose, p);

        Ports(s, p);
        PrivatePaths(s.PrivatePaths, p);
        foreach (var (name, port) in s.Egress) p.Port($"spec.egress.{name}", port);
        foreach (var (name, path) in s.Healthchecks)
        {
            if (!s.Ports.ContainsKey(name)) p.Add($"spec.healthchecks.{name}", $"'{name}' is not a key of spec.ports");
            if (!path.StartsWith('/')) p.Add($"spec.healthchecks.{name}", $"'{path}' must be an HTTP path starting with '/'");
        }
        foreach (var (name, svc) in s.Services)
        {
            var at = $"spec.services.{name}";
            NameOf(at, name, p);
            p.Required($"{at}.command", svc.Command);
            p.OneOf($"{at}.restart", svc.Restart, "no", "on-failure", "always");
            if (svc.Port is { } port) p.Port($"{at}.port", port);
            foreach (var key in svc.Env.Keys)
                if (!System.Text.RegularExpressions.Regex.IsMatch(key, "^[A-Za-z_][A-Za-z0-9_]*$"))
                    p.Add($"{at}.env.{key}", $"'{key}' is not an environment variable name (letters, digits, '_')");
        }
        foreach (var (name, shared) in s.SharedServices)
        {
            var at = $"spec.sharedServices.{name}";
            NameOf(at, name, p);
            p.Required($"{at}.image", shared.Image);
            for (var i = 0; i < shared.Ports.Count; i++) SharedPort($"{at}.ports[{i}]", shared.Ports[i], p);
            p.InjectTarget($"{at}.inject", shared.Inject);
        }
        foreach (var (name, volume) in s.Volumes)
        {
            var at = $"spec.volumes.{name}";
            NameOf(at, name, p);
            p.OneOf($"{at}.strategy", volume.Strategy, "isolated", "shared");
            p.Required($"{at}.service", volume.Service);
            p.AbsolutePath($"{at}.mount", volume.Mount);
            if (volume.SnapshotSource is not null && volume.Strategy != "isolated")
                p.Add($"{at}.snapshotSource", "only allowed with strategy 'isolated'");
        }
        foreach (var (name, secret) in s.Secrets) NameOf($"spec.secrets.{name}", name, p);
        SecretValidator.Validate(s, p);
        p.OneOf("spec.assign.default", s.Assign.Default, AssignActions);
        foreach (var (name, action) in s.Assign.Services) p.OneOf($"spec.assign.services.{name}", action, AssignActions);
        p.OneOf("spec.remote.workspaceSync", s.Remote.WorkspaceSync, "rsync", "mutagen");
        for (var i = 0; i < s.Setup.Files.Count; i++) p.AbsolutePath($"spec.setup.files[{i}].path", s.Setup.Files[i].Path);
        for (var i = 0; i < s.Setup.Packages.Count; i++) p.SafeArgument($"spec.setup.packages[{i}]", s.Setup.Packages[i]);
    }

    private static void Ports(ProjectSpec s, Problems p)
    {
        foreach (var (name, port) in s.Ports)
        {
            if (!Problems.PortNamePattern().IsMatch(name)) p.Add($"spec.ports.{name}", "port names are lowercase letters, digits, '_' and '-'");
            p.Port($"spec.ports.{name}", port);
        }
        foreach (var clash in s.Ports.GroupBy(kv => kv.Value).Where(g => g.Count() > 1))
        {
            var names = clash.Select(kv => kv.Key).ToList();
            p.Add($"spec.ports.{names[1]}", $"canonical port {clash.Key} is also used by spec.ports.{names[0]}; each port needs its own number");
        }
        if (s.PrimaryPort is not null && !s.Ports.ContainsKey(s.PrimaryPort))
            p.Add("spec.primaryPort", $"'{s.PrimaryPort}' is not a key of spec.ports ({string.Join(", ", s.Ports.Keys)})");
    }

    private static void PrivatePaths(List<string> paths, Problems p)
    {
        for (var i = 0; i < paths.Count; i++)
        {
            var path = paths[i];
            var at = $"spec.privatePaths[{i}]";
            if (string.IsNullOrWhiteSpace(path)) p.Add(at, "must not be empty");
            else if (path.StartsWith('/')) p.Add(at, $"'{path}' must be relative to the workspace");
            else if (path.Split('/').Contains("..")) p.Add(at, $"'{path}' must not contain '..'");
        }
        var normalized = paths.Select(x => x.Trim('/')).ToList();
        for (var i = 0; i < normalized.Count; i++)
            for (var j = 0; j < normalized.Count; j++)
            {
                if (i == j || normalized[i].Length == 0 || normalized[j].Length == 0) continue;
                var same = normalized[i] == normalized[j] && j > i;
                var under = normalized[j].StartsWith(normalized[i] + "/");
                if (same || under)
                    p.Add($"spec.privatePaths[{j}]", $"'{paths[j]}' overlaps spec.privatePaths[{i}] '{paths[i]}'; the outer mount would shadow the inner one");
            }
    }

    private static void SharedPort(string at, string value, Problems p)
    {
        var parts = value.Split(':');
        if (parts.Length is < 1 or > 2 || parts.Any(x => !int.TryParse(x, out var n) || n is < 1 or > 65535))
            p.Add(at, $"'{value}' must be PORT or HOST_PORT:CONTAINER_PORT with ports 1-65535");
    }

    private static void RelativePath(string at, string value, Problems p)
    {
        if (value.Length == 0 || value.StartsWith('/') || value.Split('/').Contains(".."))
            p.Add(at, $"'{value}' must be a path inside the project (relative, no '..')");
    }

    private static void NameOf(string at, string name, Problems p)
    {
        if (!Problems.PortNamePattern().IsMatch(name)) p.Add(at, $"name '{name}' must be lowercase letters, digits, '_' and '-'");
    }
}
