using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules for the remote-mode kinds owned by an Instance: Tunnel and SyncSession.</summary>
internal static class RemoteKindValidators
{
    public static void Tunnel(Tunnel t, Problems p)
    {
        var s = t.Spec;
        MetadataValidator.ProjectMatchesNamespace(t, s.Project, p);
        p.Dns1123("spec.instance", s.Instance, required: false);
        p.Dns1123("spec.remoteHost", s.RemoteHost);

        var names = new HashSet<string>();
        var localPorts = new HashSet<int>();
        for (var i = 0; i < s.Forwards.Count; i++)
        {
            var f = s.Forwards[i];
            var at = $"spec.forwards[{i}]";
            PortName($"{at}.name", f.Name, names, p);
            if (f.LocalPort != 0)
            {
                p.Port($"{at}.localPort", f.LocalPort);
                if (!localPorts.Add(f.LocalPort)) p.Add($"{at}.localPort", $"port {f.LocalPort} is used by another forward");
            }
            p.Port($"{at}.remotePort", f.RemotePort);
            Address($"{at}.remoteAddress", f.RemoteAddress, p);
        }

        names.Clear();
        var remotePorts = new HashSet<(string, int)>();
        for (var i = 0; i < s.ReverseBinds.Count; i++)
        {
            var b = s.ReverseBinds[i];
            var at = $"spec.reverseBinds[{i}]";
            PortName($"{at}.name", b.Name, names, p);
            p.Port($"{at}.remotePort", b.RemotePort);
            if (!remotePorts.Add((b.BindAddress, b.RemotePort))) p.Add($"{at}.remotePort", $"port {b.RemotePort} is bound by another reverse bind");
            Address($"{at}.bindAddress", b.BindAddress, p);
            Address($"{at}.localHost", b.LocalHost, p);
            p.Port($"{at}.localPort", b.LocalPort);
        }
    }

    public static void SyncSession(SyncSession sync, Problems p)
    {
        var s = sync.Spec;
        MetadataValidator.ProjectMatchesNamespace(sync, s.Project, p);
        p.Dns1123("spec.instance", s.Instance, required: false);
        p.Dns1123("spec.remoteHost", s.RemoteHost);
        Directory("spec.localPath", s.LocalPath, p);
        Directory("spec.remotePath", s.RemotePath, p);
        if (s.RemotePath.Trim('/').Length == 0 && s.RemotePath.Length > 0) p.Add("spec.remotePath", "must not be the remote's root directory");
        Patterns("spec.excludes", s.Excludes, p);
        Patterns("spec.protect", s.Protect, p);
        p.OneOf("spec.mode", s.Mode, SyncModes.OneShot, SyncModes.Continuous);
        p.OneOf("spec.engine", s.Engine, SyncEngines.Auto, SyncEngines.Mutagen, SyncEngines.Watcher);
        if (s.RsyncPath is { } r && (r.Trim().Length == 0 || r.StartsWith('-') || r.Any(char.IsControl)))
            p.Add("spec.rsyncPath", $"'{r}' must be a command such as 'sudo rsync' that does not start with '-'");
    }

    private static void PortName(string path, string name, HashSet<string> seen, Problems p)
    {
        if (string.IsNullOrEmpty(name)) p.Add(path, "required");
        else if (!Problems.PortNamePattern().IsMatch(name)) p.Add(path, $"'{name}' must be lowercase letters, digits, '_' or '-'");
        else if (!seen.Add(name)) p.Add(path, $"'{name}' is named twice");
    }

    private static void Address(string path, string value, Problems p)
    {
        p.Required(path, value);
        p.SafeArgument(path, value);
    }

    private static void Directory(string path, string value, Problems p)
    {
        p.AbsolutePath(path, value);
        if (value.Split('/').Contains("..") || value.Any(char.IsControl)) p.Add(path, $"'{value}' must not contain '..' or control characters");
    }

    /// <summary>rsync filter patterns: relative, not empty, no line breaks (each becomes one filter rule).</summary>
    private static void Patterns(string path, List<string> patterns, Problems p)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            var v = patterns[i];
            if (string.IsNullOrWhiteSpace(v)) p.Add($"{path}[{i}]", "must not be empty");
            else if (v.Any(char.IsControl)) p.Add($"{path}[{i}]", "must not contain control characters");
            else if (v.Split('/').Contains("..")) p.Add($"{path}[{i}]", $"'{v}' must not contain '..'");
        }
    }
}
