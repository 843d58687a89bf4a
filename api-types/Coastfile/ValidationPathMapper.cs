using System.Text;

namespace Coast.ApiTypes.Coastfile;

/// <summary>Maps a Project field path (spec.privatePaths[1]) back to the Coastfile key ([coast] private_paths[1]).</summary>
public static class ValidationPathMapper
{
    private static readonly Dictionary<string, string> CoastFields = new()
    {
        ["rootDir"] = "root", ["compose"] = "compose", ["runtime"] = "runtime", ["worktreeDirs"] = "worktree_dir",
        ["defaultWorktreeDir"] = "default_worktree_dir", ["autostart"] = "autostart", ["primaryPort"] = "primary_port",
        ["privatePaths"] = "private_paths",
    };

    private static readonly HashSet<string> NamedEntrySections = ["services", "shared_services", "volumes", "secrets"];

    public static string ToCoastfileKey(string fieldPath)
    {
        if (fieldPath.StartsWith("metadata.")) return "[coast] name";
        if (!fieldPath.StartsWith("spec.")) return fieldPath;
        var parts = fieldPath["spec.".Length..].Split('.');
        var (head, index) = SplitIndex(parts[0]);
        if (CoastFields.TryGetValue(head, out var coastKey)) return $"[coast] {coastKey}{index}";
        if (head == "setup") return $"[coast.setup] {string.Join('.', parts.Skip(1).Select(Snake))}";
        var section = head == "healthchecks" ? "healthcheck" : Snake(head);
        if (NamedEntrySections.Contains(section) && parts.Length > 2)
            return $"[{section}.{parts[1]}] {string.Join('.', parts.Skip(2).Select(Snake))}";
        return parts.Length > 1 ? $"[{section}] {string.Join('.', parts.Skip(1))}" : $"[{section}]";
    }

    private static (string Name, string Index) SplitIndex(string segment)
    {
        var bracket = segment.IndexOf('[');
        return bracket < 0 ? (segment, "") : (segment[..bracket], segment[bracket..]);
    }

    private static string Snake(string camel)
    {
        var sb = new StringBuilder();
        foreach (var c in camel)
        {
            if (char.IsUpper(c)) sb.Append('_').Append(char.ToLowerInvariant(c));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
