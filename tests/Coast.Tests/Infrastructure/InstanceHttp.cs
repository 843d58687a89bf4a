namespace Coast.Tests.Infrastructure;

/// <summary>What the instance tests read: the port table `coast run` prints, and HTTP answers on loopback ports.</summary>
public static class InstanceHttp
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>SERVICE -> DYNAMIC from the SERVICE CANONICAL DYNAMIC rows of `coast run`'s output.</summary>
    public static Dictionary<string, int> RunPorts(string output) =>
        output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length == 3 && int.TryParse(c[1], out _) && int.TryParse(c[2], out _))
            .ToDictionary(c => c[0], c => int.Parse(c[2]));

    public static async Task<string> GetAsync(int port, string path) =>
        await TryGetAsync(port, path) ?? throw new InvalidOperationException($"nothing answered on 127.0.0.1:{port}{path}");

    /// <summary>The body at 127.0.0.1:port/path, or null when nothing answers.</summary>
    public static async Task<string?> TryGetAsync(int port, string path)
    {
        try { return await Http.GetStringAsync($"http://127.0.0.1:{port}{path}"); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
    }
}
