using System.Diagnostics;
using Coast.Client.Processes;
using Coast.Tests.Cli;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Instances;

/// <summary>
/// One isolated Coast for a test: its own schema, Coast home, copy of the example project under a
/// unique project name, and a controller process it owns. Disposal kills the controller and removes
/// every container and volume labelled with the project, even after a failure.
/// </summary>
public sealed class CoastWorld : IAsyncDisposable
{
    private readonly PostgresFixture _pg;
    private readonly List<Process> _controllers = new();

    public CoastWorld(PostgresFixture pg, string example = "hello-stack")
    {
        _pg = pg;
        Schema = pg.NewSchema();
        Project = $"hs{Guid.NewGuid().ToString("N")[..8]}";
        Home = Path.Combine(Path.GetTempPath(), $"coast-world-{Project}");
        Dir = Path.Combine(Home, "project");
        CopyDirectory(Path.Combine(RepoRoot.Path, "examples", example), Dir);
        var coastfile = Path.Combine(Dir, "Coastfile");
        var text = File.ReadAllText(coastfile).Replace($"name = \"{example}\"", $"name = \"{Project}\"");
        // The example's canonical ports (3000, 8080) may belong to the user's checked-out demo: take free ones.
        var compose = Path.Combine(Dir, "docker-compose.yml");
        var composeText = File.Exists(compose) ? File.ReadAllText(compose) : null;
        // Only hello-stack's: other examples keep theirs (canonical ports are bound on the host only by a checkout).
        foreach (var (service, port) in example == "hello-stack" ? ExamplePorts : [])
        {
            var free = FreePorts.Canonical();
            CanonicalPorts[service] = free;
            text = text.Replace($"{service} = {port}", $"{service} = {free}");
            composeText = composeText?.Replace($"\"{port}:{port}\"", $"\"{free}:{port}\"");
        }
        File.WriteAllText(coastfile, text);
        if (composeText is not null) File.WriteAllText(compose, composeText);
        Cli = new CoastProcess(pg, Schema, Home, Dir);
    }

    /// <summary>The canonical ports of the example as the Coastfile declares them (service, port).</summary>
    private static readonly (string Service, int Port)[] ExamplePorts = [("web", 3000), ("api", 8080)];

    /// <summary>The canonical port this world's copy of the project uses for each service (free on this machine).</summary>
    public Dictionary<string, int> CanonicalPorts { get; } = new();

    public string Schema { get; }
    public string Project { get; }
    public string Home { get; }
    public string Dir { get; }
    public CoastProcess Cli { get; }

    /// <summary>Every line the controllers of this world printed (their log).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ControllerLog { get; } = new();

    public Process StartController(IReadOnlyDictionary<string, string>? environment = null)
    {
        var p = Cli.StartController(environment);
        _ = Task.Run(async () => { while (await p.StandardOutput.ReadLineAsync() is { } line) ControllerLog.Enqueue(line); });
        _ = p.StandardError.BaseStream.CopyToAsync(Stream.Null);
        _controllers.Add(p);
        return p;
    }

    public async Task<IReadOnlyList<string>> LabelledAsync(string what, string? instance = null)
    {
        var filter = instance is null ? $"label=coast.project={Project}" : $"label=coast.instance={instance}";
        string[] args = what == "container"
            ? ["ps", "-a", "--filter", $"label=coast.project={Project}", "--filter", filter, "--format", "{{.Names}}"]
            : ["volume", "ls", "--filter", $"label=coast.project={Project}", "--filter", filter, "--format", "{{.Name}}"];
        var r = await ProcessRunner.RunAsync("docker", args);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _controllers.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
        foreach (var p in _controllers) { await p.WaitForExitAsync(); p.Dispose(); }
        foreach (var c in await LabelledAsync("container")) await ProcessRunner.RunAsync("docker", ["rm", "-f", c]);
        foreach (var v in await LabelledAsync("volume")) await ProcessRunner.RunAsync("docker", ["volume", "rm", "-f", v]);
        var images = await ProcessRunner.RunAsync("docker", ["images", "--filter", $"label=coast.project={Project}", "-q"]);
        // The instance image of a project with [coast.setup] (coast-<project>/instance) carries no project label.
        var setup = await ProcessRunner.RunAsync("docker", ["images", "--filter", $"reference=coast-{Project}/instance", "-q"]);
        foreach (var id in (images.StandardOutput + "\n" + setup.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct())
            await ProcessRunner.RunAsync("docker", ["rmi", "-f", id]);
        await _pg.DropSchemaAsync(Schema);
        if (Directory.Exists(Home)) Directory.Delete(Home, recursive: true);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = file.Replace(from, to);
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }
}
