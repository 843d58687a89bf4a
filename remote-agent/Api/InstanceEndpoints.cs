using Coast.ApiTypes.Remote;
using System.Text.Json;
using Coast.RemoteAgent.Reconcile;
using Coast.RemoteAgent.Runtime;
using Coast.RemoteAgent.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coast.RemoteAgent.Api;

/// <summary>
/// The declarative API: PUT writes the desired state of one remote instance, GET reads it with what
/// the agent observed, DELETE asks for its removal (202; it is gone once GET answers 404).
/// </summary>
public static class InstanceEndpoints
{
    public static void MapInstanceEndpoints(this WebApplication app, AgentOptions options)
    {
        app.MapGet("/health", () => Results.Text("ok"));
        app.MapGet("/v1/version", () => Results.Json(new AgentVersion(AgentHost.Version, "v1", options.WorkspacesRoot), AgentJson.Default.AgentVersion));

        app.MapGet("/v1/instances", async (AgentStore store, SharedBindPorts binds) =>
        {
            var all = new List<RemoteInstance>();
            foreach (var i in await store.ListAsync()) all.Add(await ReadOutAsync(i, options, binds));
            return Results.Json(all, AgentJson.Default.ListRemoteInstance);
        });

        app.MapGet("/v1/instances/{project}/{name}", async (string project, string name, AgentStore store, SharedBindPorts binds) =>
            await store.GetAsync(project, name) is { } i
                ? Results.Json(await ReadOutAsync(i, options, binds), AgentJson.Default.RemoteInstance)
                : NotFound(project, name));

        app.MapPut("/v1/instances/{project}/{name}", async (string project, string name, HttpRequest request, AgentStore store, AgentReconciler reconciler,
            SharedBindPorts binds, InjectedValuesCache injected) =>
        {
            RemoteInstanceSpec? spec;
            try { spec = await JsonSerializer.DeserializeAsync(request.Body, AgentJson.Default.RemoteInstanceSpec); }
            catch (JsonException e) { return Error(400, $"body: {e.Message}"); }
            var problems = SpecValidator.Problems(project, name, spec);
            if (problems.Count > 0) return Error(400, string.Join("; ", problems));
            // The injected values stay in memory: the stored spec carries only their fingerprint.
            if (spec!.Injected is { } values) injected.Put(project, name, spec.InjectedFingerprint!, values);
            spec.Injected = null;
            var stored = await store.PutAsync(project, name, spec);
            stored = WithWorkspace(stored, options) with { SharedBinds = await binds.EnsureAsync(project, name, stored.Spec) };
            reconciler.Wake();
            return Results.Json(stored, AgentJson.Default.RemoteInstance);
        });

        app.MapDelete("/v1/instances/{project}/{name}", async (string project, string name, AgentStore store, AgentReconciler reconciler) =>
        {
            if (!await store.RequestDeleteAsync(project, name)) return NotFound(project, name);
            reconciler.Wake();
            return Results.StatusCode(202);
        });
    }

    private static async Task<RemoteInstance> ReadOutAsync(RemoteInstance i, AgentOptions options, SharedBindPorts binds) =>
        WithWorkspace(i, options) with { SharedBinds = await binds.HeldAsync(i) };

    private static RemoteInstance WithWorkspace(RemoteInstance i, AgentOptions options) => i with { Workspace = options.WorkspaceOf(i.Project, i.Name) };

    private static IResult NotFound(string project, string name) => Error(404, $"remote instance '{project}/{name}' not found");

    private static IResult Error(int status, string message) => Results.Json(new AgentError(message), AgentJson.Default.AgentError, statusCode: status);
}
