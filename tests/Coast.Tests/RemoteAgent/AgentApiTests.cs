using Coast.ApiTypes.Remote;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Coast.RemoteAgent;
using Coast.RemoteAgent.Api;
using Coast.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Coast.Tests.RemoteAgent;

/// <summary>The agent's declarative API on a real Kestrel and a real SQLite file, in this process.</summary>
[Trait("Category", Category.Unit)]
public sealed class AgentApiTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("coast-agent-").FullName;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync() => await StartAsync();

    private async Task StartAsync()
    {
        _app = AgentHost.Build(new AgentOptions(0, _home));
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AgentHost.BoundPort(_app)}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    private async Task StopAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Health_answers_ok_and_the_version_is_reported()
    {
        (await _http.GetStringAsync("/health")).ShouldBe("ok");
        (await _http.GetFromJsonAsync("/v1/version", AgentJson.Default.AgentVersion))!.Api.ShouldBe("v1");
    }

    [Fact]
    public void Kestrel_listens_on_loopback_only() => _app.Urls.Single().ShouldStartWith("http://127.0.0.1:");

    [Fact]
    public async Task A_put_instance_gets_remote_ports_that_stay_across_a_restart_and_are_released_with_its_service()
    {
        var put = await PutAsync("shop", "dev-1", """{"desiredState":"Running","ports":{"web":3000,"api":8080}}""");
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var first = await UntilAsync("shop", "dev-1", i => i.Status.Ports.Count == 2);
        first.Generation.ShouldBe(1);
        first.Status.ObservedGeneration.ShouldBe(1);
        first.Workspace.ShouldBe(Path.Combine(_home, "workspaces", "shop", "dev-1"));
        first.Status.Ports.ShouldAllBe(p => p.RemoteDynamic >= 49152 && p.RemoteDynamic <= 65535);
        first.Status.Ports.Select(p => p.RemoteDynamic).Distinct().Count().ShouldBe(2);

        // The same spec again changes nothing; a second instance gets other ports.
        await PutAsync("shop", "dev-1", """{"desiredState":"Running","ports":{"web":3000,"api":8080}}""");
        (await GetAsync("shop", "dev-1"))!.Generation.ShouldBe(1);
        await PutAsync("shop", "dev-2", """{"ports":{"web":3000}}""");
        var other = await UntilAsync("shop", "dev-2", i => i.Status.Ports.Count == 1);
        first.Status.Ports.Select(p => p.RemoteDynamic).ShouldNotContain(other.Status.Ports[0].RemoteDynamic);

        await StopAsync();
        await StartAsync();
        var again = await UntilAsync("shop", "dev-1", i => i.Status.Ports.Count == 2);
        again.Status.Ports.ShouldBe(first.Status.Ports);

        await PutAsync("shop", "dev-1", """{"ports":{"web":3000}}""");
        var fewer = await UntilAsync("shop", "dev-1", i => i.Status.ObservedGeneration == 2);
        fewer.Status.Ports.Single().ShouldBe(first.Status.Ports.Single(p => p.Name == "web"));
    }

    [Fact]
    public async Task Delete_is_accepted_and_the_instance_is_forgotten_by_the_reconcile()
    {
        await PutAsync("shop", "gone", """{"ports":{"web":3000}}""");
        await UntilAsync("shop", "gone", i => i.Status.Ports.Count == 1);
        (await _http.DeleteAsync("/v1/instances/shop/gone")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await Poll.UntilAsync(async () => await GetAsync("shop", "gone") is null, TimeSpan.FromSeconds(10))).ShouldBeTrue();
        (await _http.DeleteAsync("/v1/instances/shop/gone")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("Shop", "dev", """{"ports":{}}""", "project: 'Shop' is not a DNS-1123 label")]
    [InlineData("shop", "dev", """{"desiredState":"Paused"}""", "spec.desiredState: 'Paused' must be Running or Stopped")]
    [InlineData("shop", "dev", """{"ports":{"web":70000}}""", "spec.ports.web: 70000 is not a port (1-65535)")]
    [InlineData("shop", "dev", """{"ports":""", "body: ")]
    public async Task Bad_input_is_a_400_naming_the_field_and_nothing_is_stored(string project, string name, string body, string message)
    {
        var put = await PutAsync(project, name, body);
        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await put.Content.ReadFromJsonAsync(AgentJson.Default.AgentError))!.Error.ShouldContain(message);
        (await _http.GetAsync($"/v1/instances/{project}/{name}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private Task<HttpResponseMessage> PutAsync(string project, string name, string json) =>
        _http.PutAsync($"/v1/instances/{project}/{name}", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<RemoteInstance?> GetAsync(string project, string name)
    {
        var r = await _http.GetAsync($"/v1/instances/{project}/{name}");
        return r.StatusCode == HttpStatusCode.NotFound ? null : await r.Content.ReadFromJsonAsync(AgentJson.Default.RemoteInstance);
    }

    private async Task<RemoteInstance> UntilAsync(string project, string name, Func<RemoteInstance, bool> done)
    {
        RemoteInstance? last = null;
        var ok = await Poll.UntilAsync(async () => (last = await GetAsync(project, name)) is { } i && done(i), TimeSpan.FromSeconds(10));
        ok.ShouldBeTrue($"remote instance {project}/{name} did not get there; last seen: {last}");
        return last!;
    }
}
