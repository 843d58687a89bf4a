namespace Coast.Controller.Docker.Images;

/// <summary>The Debian mirror apt uses on this machine (so image builds reach the same one).</summary>
public static class DebianMirror
{
    public const string Default = "http://deb.debian.org/debian";

    public static string Find()
    {
        var files = new List<string>();
        if (File.Exists("/etc/apt/sources.list")) files.Add("/etc/apt/sources.list");
        if (Directory.Exists("/etc/apt/sources.list.d")) files.AddRange(Directory.GetFiles("/etc/apt/sources.list.d"));
        foreach (var line in files.Where(f => f.EndsWith(".list") || f.EndsWith(".sources")).SelectMany(File.ReadLines))
        {
            var text = line.Trim();
            var uri = text.StartsWith("URIs:") ? text[5..].Trim().Split(' ')[0]
                : text.StartsWith("deb ") ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault(t => t.Contains("://")) : null;
            if (uri is not null && uri.TrimEnd('/').EndsWith("/debian")) return uri.TrimEnd('/');
        }
        return Default;
    }
}
