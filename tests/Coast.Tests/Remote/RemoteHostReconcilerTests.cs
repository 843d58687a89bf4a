using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Hosts;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Coast.Tests.Remote.RemoteProbes;
using Coast.Client.Store;

namespace Coast.Tests.Remote;

/// <summary>The RemoteHost reconciler on a real store against the real netns test host (sshd + dockerd).</summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteHostReconcilerTests(RemoteHostFixture fixture, PostgresFixture pg) : IAsyncLifetime
{
    private readonly string _schema = pg.NewSchema();
    private CoastStore _store = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _store = await CoastStore.OpenAsync(pg.ConnectionString, _schema);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(_store.Resources);
        builder.Services.AddSingleton(_store.Events);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RemoteHostConnections>();
        builder.Services.AddCoastController(o => o with { BackoffBase = TimeSpan.FromMilliseconds(200) })
            .AddReconciler<RemoteHost, RemoteHostReconciler>()
            .AddFinalizer<RemoteHost, RemoteHostReconciler>();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _store.Dispose();
        await pg.DropSchemaAsync(_schema);
    }

    private RemoteHost Declare(string name, string? pin) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new RemoteHostSpec
        {
            Host = fixture.Host.Address, Port = fixture.Host.Port, User = fixture.Host.User,
            IdentityFile = fixture.Host.KeyPath, HostKey = pin,
        },
    };

    [Fact]
    public async Task A_pinned_host_becomes_ready_with_its_engine_capacity_and_reverse_binds()
    {
        await _store.Resources.CreateAsync(Declare("th", fixture.Pin.Value));
        var host = await UntilStatusAsync("th", h => Conditions.IsTrue(h.Status.Conditions, "Ready"));
        host.Status.Reachable.ShouldBeTrue();
        host.Status.DockerVersion.ShouldNotBeNullOrEmpty();
        host.Status.Capacity!.ShouldMatch(@"^cpus=\d+ memFree=\d+MiB diskFree=\d+MiB$");
        host.Status.ReverseBinds.ShouldBeTrue("the test host's sshd has GatewayPorts clientspecified");
        Conditions.Get(host.Status.Conditions, "AgentReady")!.Reason.ShouldBe("AgentNotRunning");

        (await _store.Resources.DeleteAsync(host.Key)).ShouldBeFalse("the finalizer closes the connection first");
        (await Poll.UntilAsync(async () => await _store.Resources.GetAsync(host.Key) is null, TimeSpan.FromSeconds(20))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_with_both_fingerprints_in_the_Ready_condition()
    {
        const string wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        await _store.Resources.CreateAsync(Declare("wrongpin", wrong));
        var host = await UntilStatusAsync("wrongpin", h => Conditions.Get(h.Status.Conditions, "Ready")?.Reason == "HostKeyMismatch");
        var message = Conditions.Get(host.Status.Conditions, "Ready")!.Message;
        message.ShouldContain(wrong);
        message.ShouldContain(fixture.Pin.Value);
        host.Status.Reachable.ShouldBeFalse();
    }

    [Fact]
    public async Task An_unreachable_host_says_so_in_its_condition()
    {
        var declared = Declare("closed", fixture.Pin.Value);
        declared.Spec.Port = 1; // nothing listens there in the test host's namespace
        await _store.Resources.CreateAsync(declared);
        var host = await UntilStatusAsync("closed", h => Conditions.Get(h.Status.Conditions, "Ready")?.Reason == "Unreachable");
        Conditions.Get(host.Status.Conditions, "Ready")!.Message.ShouldNotBeNullOrWhiteSpace();
    }

    private async Task<RemoteHost> UntilStatusAsync(string name, Func<RemoteHost, bool> done)
    {
        RemoteHost? last = null;
        var key = new ResourceKey(RemoteHost.KindName, "", name);
        var ok = await Poll.UntilAsync(async () => (last = await _store.Resources.GetAsync(key) as RemoteHost) is { } h && done(h), TimeSpan.FromSeconds(60));
        ok.ShouldBeTrue($"RemoteHost {name} did not get there; conditions: {string.Join("; ", last?.Status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}") ?? [])}");
        return last!;
    }
}
