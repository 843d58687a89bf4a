using System.Diagnostics;
using Coast.ApiTypes.Remote;
using Coast.Controller.Docker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coast.RemoteAgent.Api;

/// <summary>
/// Images without a registry: GET /v1/images?ref=A&amp;ref=B answers the id of each on the agent's engine (null when
/// absent), so the controller sends only what differs; POST /v1/images streams a `docker save` tar from the request
/// body into `docker load` on the agent's engine (the body arrives over the controller's SSH connection).
/// </summary>
public static class ImageEndpoints
{
    public static void MapImageEndpoints(this WebApplication app)
    {
        app.MapGet("/v1/images", async (HttpRequest request, IContainerEngine engine, CancellationToken ct) =>
        {
            var ids = new Dictionary<string, string?>();
            foreach (var reference in request.Query["ref"].Where(r => !string.IsNullOrWhiteSpace(r)))
                ids[reference!] = await engine.ImageIdAsync(reference!, ct);
            return Results.Json(new RemoteImageIds(ids), AgentJson.Default.RemoteImageIds);
        });

        app.MapPost("/v1/images", async (HttpRequest request, CancellationToken ct) =>
        {
            var psi = new ProcessStartInfo("docker") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "load", "-q" }) psi.ArgumentList.Add(a);
            using var load = Process.Start(psi)!;
            var output = load.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = load.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await request.Body.CopyToAsync(load.StandardInput.BaseStream, 1 << 20, ct);
                load.StandardInput.Close();
                await load.WaitForExitAsync(ct);
            }
            catch
            {
                try { load.Kill(); } catch (InvalidOperationException) { }
                throw;
            }
            return load.ExitCode == 0
                ? Results.Text((await output).Trim())
                : Results.Json(new AgentError($"docker load failed (exit {load.ExitCode}): {(await error).Trim()}"), AgentJson.Default.AgentError, statusCode: 500);
        });
    }
}
