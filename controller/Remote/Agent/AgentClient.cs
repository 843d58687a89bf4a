using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coast.ApiTypes.Remote;

namespace Coast.Controller.Remote.Agent;

/// <summary>An agent call failed; the message is the agent's own one line.</summary>
public sealed class AgentException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The controller's client of one remote agent, reached at a loopback port (the local end of the agent forward over
/// the host's SSH connection). Declarative calls (PUT/GET/DELETE an instance), image ids and loads, the workspace
/// upload, and the streaming exec, logs and ps.
/// </summary>
public sealed class AgentClient(int localPort) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{localPort}"), Timeout = Timeout.InfiniteTimeSpan };

    public async Task<RemoteInstance> PutAsync(string project, string name, RemoteInstanceSpec spec, CancellationToken ct)
    {
        using var r = await _http.PutAsJsonAsync(InstancePath(project, name), spec, Json, ct);
        return await ReadAsync<RemoteInstance>(r, ct);
    }

    /// <summary>The instance, or null when the agent has none (or has finished removing it).</summary>
    public async Task<RemoteInstance?> GetAsync(string project, string name, CancellationToken ct)
    {
        using var r = await _http.GetAsync(InstancePath(project, name), ct);
        if (r.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadAsync<RemoteInstance>(r, ct);
    }

    /// <summary>Asks for removal; true when the agent knew the instance.</summary>
    public async Task<bool> DeleteAsync(string project, string name, CancellationToken ct)
    {
        using var r = await _http.DeleteAsync(InstancePath(project, name), ct);
        if (r.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(r, ct);
        return true;
    }

    /// <summary>The directory on the remote host under which the agent keeps each instance's workspace (&lt;root&gt;/&lt;project&gt;/&lt;instance&gt;).</summary>
    public async Task<string> WorkspacesRootAsync(CancellationToken ct)
    {
        if (_workspaces is not null) return _workspaces;
        using var r = await _http.GetAsync("/v1/version", ct);
        var version = await ReadAsync<JsonElement>(r, ct);
        return _workspaces = version.TryGetProperty("workspaces", out var w) && w.GetString() is { Length: > 0 } root
            ? root
            : throw new AgentException(HttpStatusCode.NotImplemented, "the remote agent is too old to say where workspaces live; run `coast remote setup` to update it");
    }

    private string? _workspaces;

    /// <summary>The id of each image on the agent's engine (null when absent).</summary>
    public async Task<Dictionary<string, string?>> ImageIdsAsync(IEnumerable<string> images, CancellationToken ct)
    {
        var query = string.Join('&', images.Select(i => $"ref={Uri.EscapeDataString(i)}"));
        using var r = await _http.GetAsync($"/v1/images?{query}", ct);
        return (await ReadAsync<RemoteImageIds>(r, ct)).Ids;
    }

    /// <summary>Streams a `docker save` tar into the agent engine's `docker load`.</summary>
    public async Task LoadImagesAsync(Stream tar, CancellationToken ct)
    {
        using var content = new StreamContent(tar, 1 << 20);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/images") { Content = content };
        using var r = await _http.SendAsync(request, ct);
        await EnsureAsync(r, ct);
    }

    /// <summary>Replaces the instance's workspace on the remote with a tar of the local one.</summary>
    public async Task UploadWorkspaceAsync(string project, string name, Stream tar, CancellationToken ct)
    {
        using var content = new StreamContent(tar, 1 << 20);
        using var r = await _http.PutAsync($"/v1/workspaces/{project}/{name}", content, ct);
        await EnsureAsync(r, ct);
    }

    /// <summary>Runs a command in the instance (or a service), writing its output as it comes; returns its exit code.</summary>
    public async Task<int> ExecAsync(string project, string name, string? service, IReadOnlyList<string> command,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var body = new RemoteExecRequest { Service = service, Command = [.. command] };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{InstancePath(project, name)}/exec") { Content = JsonContent.Create(body, options: Json) };
        using var r = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureAsync(r, ct);
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var frame = JsonSerializer.Deserialize<RemoteExecFrame>(line, Json);
            switch (frame?.Kind)
            {
                case "stdout": await stdout.WriteAsync(frame.Data); await stdout.FlushAsync(ct); break;
                case "stderr": await stderr.WriteAsync(frame.Data); await stderr.FlushAsync(ct); break;
                case "exit": return frame.Code ?? 1;
            }
        }
        throw new AgentException(HttpStatusCode.BadGateway, "the agent closed the exec stream before the command's exit code");
    }

    /// <summary>Copies the compose services' logs to the writer (follow: until cancelled).</summary>
    public async Task LogsAsync(string project, string name, string? service, int? tail, bool follow, TextWriter output, CancellationToken ct)
    {
        var query = new List<string>();
        if (service is not null) query.Add($"service={Uri.EscapeDataString(service)}");
        if (tail is { } n) query.Add($"tail={n}");
        if (follow) query.Add("follow=true");
        using var r = await _http.GetAsync($"{InstancePath(project, name)}/logs?{string.Join('&', query)}", HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureAsync(r, ct);
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(ct));
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), ct);
            await output.FlushAsync(ct);
        }
    }

    public async Task<List<RemoteService>> PsAsync(string project, string name, CancellationToken ct)
    {
        using var r = await _http.GetAsync($"{InstancePath(project, name)}/ps", ct);
        return await ReadAsync<List<RemoteService>>(r, ct);
    }

    public void Dispose() => _http.Dispose();

    private static string InstancePath(string project, string name) => $"/v1/instances/{project}/{name}";

    private static async Task<T> ReadAsync<T>(HttpResponseMessage r, CancellationToken ct)
    {
        await EnsureAsync(r, ct);
        return (await r.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage r, CancellationToken ct)
    {
        if (r.IsSuccessStatusCode) return;
        var text = await r.Content.ReadAsStringAsync(ct);
        string message;
        try { message = JsonSerializer.Deserialize<AgentErrorBody>(text, Json)?.Error ?? text; }
        catch (JsonException) { message = text; }
        throw new AgentException(r.StatusCode, $"agent: {message.Trim()}");
    }

    private sealed record AgentErrorBody(string Error);
}
