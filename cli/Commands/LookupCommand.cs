using System.CommandLine;
using System.Text;
using System.Text.Json;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Processes;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast lookup [--json]`, for coding agents: which instance serves the worktree of the current directory (the
/// project root or one of its worktrees), with its status, ports, URLs and the command that runs things inside it.
/// Exits 4 when no instance serves it (the JSON then has an empty "instances").
/// </summary>
public static class LookupCommand
{
    public static Command Create(CliServices cli)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON: project, worktree, and each instance's name, status, ports, urls, exec." };
        var command = new Command("lookup", "Show the instance serving the current worktree: its ports, URLs and how to exec into it.") { json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var here = Path.GetFullPath(Directory.GetCurrentDirectory());
            var git = await ProcessRunner.RunAsync("git", ["-C", here, "rev-parse", "--show-toplevel"], TimeSpan.FromSeconds(30), token);
            var top = git.ExitCode == 0 ? Path.GetFullPath(git.StandardOutput.Trim()).TrimEnd('/') : here;
            var store = await cli.StoreAsync(token);
            var project = (await store.ListAsync(Project.KindName, null, null, token)).Cast<Project>()
                .Where(p => p.Spec.RootDir.Length > 0 && Under(top, Path.GetFullPath(p.Spec.RootDir).TrimEnd('/')))
                .OrderByDescending(p => p.Spec.RootDir.Length).FirstOrDefault()
                ?? throw new CliException($"no coast project contains {top}. Run `coast build` in the project's directory first.", ExitCodes.NotFound);
            var root = Path.GetFullPath(project.Spec.RootDir).TrimEnd('/');
            string? worktree = top == root ? null : Path.GetRelativePath(root, top);
            var checkouts = (await store.ListAsync(Checkout.KindName, project.Metadata.Name, null, token)).Cast<Checkout>()
                .Where(c => Conditions.IsTrue(c.Status.Conditions, "Ready") && c.Spec.Instance is not null)
                .ToDictionary(c => c.Metadata.Namespace, c => c.Spec.Instance!);
            var serving = (await store.ListAsync(Instance.KindName, project.Metadata.Name, null, token)).Cast<Instance>()
                .Where(i => InstanceLayout.WorktreePath(i, project)?.TrimEnd('/') == worktree).OrderBy(i => i.Metadata.Name).ToList();
            if (parse.GetValue(json)) cli.Out.WriteLine(Json(project, worktree, serving, checkouts));
            else if (serving.Count == 0)
                cli.Out.WriteLine($"No coast instance serves {(worktree ?? "the project root")} of project {project.Metadata.Name}. " +
                                  $"Start one with `coast run NAME{(worktree is null ? "" : $" -w {worktree}")}` or move one here with `coast assign NAME -w {worktree ?? top}`.");
            else
                foreach (var i in serving)
                {
                    cli.Out.WriteLine($"{i.Metadata.Name} ({LsCommand.StatusWord(i, checkouts)}) serves {worktree ?? "the project root"} of project {project.Metadata.Name}");
                    TableWriter.Write(cli.Out, ["SERVICE", "CANONICAL", "DYNAMIC", "URL"],
                        i.Status.Ports.Select(p => (IReadOnlyList<string>)[p.Name, p.Canonical.ToString(), p.Dynamic.ToString(), Url(p.Dynamic)]));
                    cli.Out.WriteLine($"exec: {Exec(i)}");
                }
            return serving.Count == 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static bool Under(string path, string root) => path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    private static string Url(int port) => $"http://localhost:{port}";

    private static string Exec(Instance i) => $"coast exec {i.Metadata.Name} -p {i.Metadata.Namespace} -- sh";

    /// <summary>Written by hand (the CLI is NativeAOT: no reflection-based serializer).</summary>
    private static string Json(Project project, string? worktree, IReadOnlyList<Instance> instances, IReadOnlyDictionary<string, string> checkouts)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("project", project.Metadata.Name);
            w.WriteString("root", project.Spec.RootDir);
            if (worktree is null) w.WriteNull("worktree"); else w.WriteString("worktree", worktree);
            w.WriteStartArray("instances");
            foreach (var i in instances)
            {
                w.WriteStartObject();
                w.WriteString("name", i.Metadata.Name);
                w.WriteString("status", LsCommand.StatusWord(i, checkouts));
                w.WriteString("host", i.Spec.RemoteHost ?? "local");
                w.WriteStartArray("ports");
                foreach (var p in i.Status.Ports)
                {
                    w.WriteStartObject();
                    w.WriteString("name", p.Name);
                    w.WriteNumber("canonical", p.Canonical);
                    w.WriteNumber("dynamic", p.Dynamic);
                    w.WriteString("url", Url(p.Dynamic));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("exec", Exec(i));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
