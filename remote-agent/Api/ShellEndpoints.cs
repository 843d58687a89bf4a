using Coast.ApiTypes.Model;
using System.Diagnostics;
using System.Text.Json;
using Coast.ApiTypes.Remote;
using Coast.Controller.Docker;
using Coast.Controller.Instances;
using Coast.RemoteAgent.Runtime;
using Coast.RemoteAgent.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coast.RemoteAgent.Api;

/// <summary>
/// Streaming endpoints of one remote instance: exec (one JSON frame per line, stdout and stderr as they come, then
/// the exit code), logs (the compose services' log as plain text, `follow` keeps it open) and ps (its services).
/// The workspace upload (a tar in the body) is the one-shot copy used until continuous sync exists.
/// </summary>
public static class ShellEndpoints
{
    public static void MapShellEndpoints(this WebApplication app)
    {
        app.MapPost("/v1/instances/{project}/{name}/exec", async (string project, string name, HttpContext http, AgentStore store, RemoteDind dind) =>
        {
            if (await RunningAsync(store, project, name) is { } problem) return problem;
            var request = await JsonSerializer.DeserializeAsync(http.Request.Body, AgentJson.Default.RemoteExecRequest);
            if (request is not { Command.Count: > 0 }) return Error(400, "command: expected a non-empty list");
            var container = CoastNames.InstanceContainer(project, name);
            List<string> args = ["exec", "-i", container];
            if (request.Service is { } service)
            {
                using var inner = dind.InnerOf(project, name);
                var target = (await inner.ComposeContainersAsync(CoastNames.InnerComposeProject(project), http.RequestAborted))
                    .FirstOrDefault(c => c.Service == service && c.State == "running");
                if (target is null) return Error(404, $"service '{service}' has no running container in this instance. Run `coast ps` to see services.");
                args = ["-H", $"unix://{inner.SocketPath}", "exec", "-i", target.Id];
            }
            args.AddRange(request.Command);
            await StreamExecAsync(http, args);
            return Results.Empty;
        });

        app.MapGet("/v1/instances/{project}/{name}/logs", async (string project, string name, HttpContext http, AgentStore store) =>
        {
            if (await RunningAsync(store, project, name) is { } problem) return problem;
            var q = http.Request.Query;
            List<string> args = ["exec", CoastNames.InstanceContainer(project, name), .. ComposeCommand(project), "logs", "--no-color"];
            if (int.TryParse(q["tail"], out var tail)) args.AddRange(["--tail", tail.ToString()]);
            if (q["follow"] == "true") args.Add("-f");
            if (q["service"] is { Count: > 0 } s) args.Add(s!);
            http.Response.ContentType = "text/plain; charset=utf-8";
            using var p = Start(args);
            using var stop = http.RequestAborted.Register(() => { try { p.Kill(); } catch (InvalidOperationException) { } });
            await Task.WhenAll(p.StandardOutput.BaseStream.CopyToAsync(http.Response.Body), p.StandardError.BaseStream.CopyToAsync(http.Response.Body));
            await p.WaitForExitAsync(CancellationToken.None);
            return Results.Empty;
        });

        app.MapGet("/v1/instances/{project}/{name}/ps", async (string project, string name, AgentStore store, RemoteDind dind, CancellationToken ct) =>
        {
            if (await RunningAsync(store, project, name) is { } problem) return problem;
            using var inner = dind.InnerOf(project, name);
            var services = (await inner.ComposeContainersAsync(CoastNames.InnerComposeProject(project), ct))
                .Select(c => new RemoteService(c.Service, c.Id[..Math.Min(12, c.Id.Length)], c.State, c.State))
                .OrderBy(s => s.Service, StringComparer.Ordinal).ToList();
            return Results.Json(services, AgentJson.Default.ListRemoteService);
        });

        app.MapPut("/v1/workspaces/{project}/{name}", async (string project, string name, HttpRequest request, AgentOptions options, CancellationToken ct) =>
        {
            if (!SpecValidator.IsName(project) || !SpecValidator.IsName(name)) return Error(400, "project/name: not DNS-1123 labels");
            var dir = options.WorkspaceOf(project, name);
            var staging = dir + ".incoming";
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            Directory.CreateDirectory(staging);
            await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(request.Body, staging, overwriteFiles: true, ct);
            // Swap the contents in place: the instance bind-mounts the directory itself, so it must stay the same inode.
            Directory.CreateDirectory(dir);
            foreach (var e in new DirectoryInfo(dir).EnumerateFileSystemInfos())
                if (e is DirectoryInfo d) d.Delete(recursive: true); else e.Delete();
            foreach (var e in new DirectoryInfo(staging).EnumerateFileSystemInfos())
                if (e is DirectoryInfo d) d.MoveTo(Path.Combine(dir, e.Name)); else ((FileInfo)e).MoveTo(Path.Combine(dir, e.Name));
            Directory.Delete(staging);
            return Results.Text("ok");
        });
    }

    private static async Task StreamExecAsync(HttpContext http, List<string> args)
    {
        http.Response.ContentType = "application/x-ndjson";
        using var p = Start(args);
        p.StandardInput.Close();
        using var stop = http.RequestAborted.Register(() => { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var gate = new SemaphoreSlim(1, 1);
        async Task Pump(StreamReader reader, string kind)
        {
            var buffer = new char[8192];
            int n;
            while ((n = await reader.ReadAsync(buffer)) > 0)
                await WriteFrameAsync(http, gate, new RemoteExecFrame(kind, new string(buffer, 0, n)));
        }
        await Task.WhenAll(Pump(p.StandardOutput, "stdout"), Pump(p.StandardError, "stderr"));
        await p.WaitForExitAsync(CancellationToken.None);
        await WriteFrameAsync(http, gate, new RemoteExecFrame("exit", Code: p.ExitCode));
    }

    private static async Task WriteFrameAsync(HttpContext http, SemaphoreSlim gate, RemoteExecFrame frame)
    {
        await gate.WaitAsync();
        try
        {
            await http.Response.WriteAsync(JsonSerializer.Serialize(frame, AgentJson.Default.RemoteExecFrame) + "\n");
            await http.Response.Body.FlushAsync();
        }
        finally { gate.Release(); }
    }

    private static string[] ComposeCommand(string project)
    {
        var model = new Coast.ApiTypes.Kinds.Project();
        model.Metadata.Name = project;
        return InstanceLayout.ComposeCommand(model);
    }

    private static Process Start(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static async Task<IResult?> RunningAsync(AgentStore store, string project, string name)
    {
        var i = await store.GetAsync(project, name);
        if (i is null) return Error(404, $"remote instance '{project}/{name}' not found");
        return i.Status.Phase is "Running" or "Starting" or "Failed" && i.Status.Container is not null ? null
            : Error(409, $"instance '{name}' is not running ({i.Status.Phase.ToLowerInvariant()}). Start it with `coast start {name}`.");
    }

    private static IResult Error(int status, string message) => Results.Json(new AgentError(message), AgentJson.Default.AgentError, statusCode: status);
}
