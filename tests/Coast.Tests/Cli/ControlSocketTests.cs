using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>`coast checkout` through the controller's control socket, and the CLI's fallback when no controller answers there.</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class ControlSocketTests(PostgresFixture pg) : CliTestBase(pg, "coast-ctl")
{
    private readonly ConcurrentQueue<string> _controllerOutput = new();

    // The demo project and instance, without the manifest's Checkout: the tests write that one.
    private static readonly string ProjectAndInstance = string.Join("---",
        File.ReadAllText(Path.Combine(RepoRoot.Path, "manifests", "examples", "demo.yaml")).Split("---").Take(2));

    public override async Task InitializeAsync()
    {
        var apply = await Coast.RunWithInputAsync(ProjectAndInstance, "apply", "-f", "-");
        apply.ExitCode.ShouldBe(0, apply.ToString());
    }

    [Fact]
    public async Task Checkout_goes_through_the_controller_socket_and_writes_the_same_desired_state()
    {
        var socket = await SocketPathAsync();
        StartController(socket);
        await WaitForListenerAsync(socket);
        File.GetUnixFileMode(socket).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var checkout = await Coast.RunAsync("checkout", "dev-1", "-p", "demo");
        checkout.ExitCode.ShouldBe(0, checkout.ToString());
        checkout.Out.ShouldContain("Checked out coast instance dev-1");
        await UntilAsync(() => _controllerOutput.Any(l => l.Contains("control: checkout demo/dev-1: Done")), "the controller to log the request");

        var stored = await Coast.RunAsync("get", "checkout", "demo", "-p", "demo", "-o", "yaml");
        stored.Out.ShouldContain("instance: dev-1");
        stored.Out.ShouldContain("reason: InstanceFound");

        var missing = await Coast.RunAsync("checkout", "nope", "-p", "demo");
        missing.ExitCode.ShouldBe(4, missing.ToString());
        missing.Err.ShouldContain("Instance 'nope' not found in project 'demo'");

        // start/stop of an unknown instance through the socket: the same not-found answer as the CLI's own.
        var unknownStart = await Coast.RunAsync("start", "nope", "-p", "demo");
        unknownStart.ExitCode.ShouldBe(4, unknownStart.ToString());
        unknownStart.Err.ShouldContain("Instance 'nope' not found in project 'demo'");
        await UntilAsync(() => _controllerOutput.Any(l => l.Contains("control: start demo/nope: NotFound")), "the controller to answer the start");

        var release = await Coast.RunAsync("checkout", "--none", "-p", "demo");
        release.ExitCode.ShouldBe(0, release.ToString());
        release.Out.ShouldContain("Released the canonical ports of project demo");
        (await Coast.RunAsync("get", "checkout", "demo", "-p", "demo", "-o", "yaml")).Out.ShouldNotContain("instance: dev-1");
    }

    [Fact]
    public async Task A_stale_socket_means_the_cli_writes_itself_and_a_new_controller_replaces_the_file()
    {
        var socket = await SocketPathAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        // What a killed controller leaves: a socket file nobody listens on. (.NET removes the file of a socket
        // it bound when that socket closes, so it is bound elsewhere and moved into place.)
        var elsewhere = socket + ".tmp";
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(elsewhere));
            File.Move(elsewhere, socket);
        }
        File.Exists(socket).ShouldBeTrue();

        // No controller: the CLI falls back to writing the Checkout itself, then times out waiting for a report.
        var alone = await Coast.RunAsync("checkout", "dev-1", "-p", "demo", "--timeout", "2s");
        alone.ExitCode.ShouldBe(5, alone.ToString());
        alone.Err.ShouldContain("no controller has reported");
        (await Coast.RunAsync("get", "checkout", "demo", "-p", "demo", "-o", "yaml")).Out.ShouldContain("instance: dev-1");

        StartController(socket);
        await WaitForListenerAsync(socket);
        var served = await Coast.RunAsync("checkout", "dev-1", "-p", "demo");
        served.ExitCode.ShouldBe(0, served.ToString());
        await UntilAsync(() => _controllerOutput.Any(l => l.Contains("control: checkout demo/dev-1: Done")), "the controller to serve the request");
    }

    private async Task<string> SocketPathAsync()
    {
        var status = await Coast.RunAsync("daemon", "status");
        return status.Out.Split('\n').Single(l => l.StartsWith("socket: "))["socket: ".Length..].Trim();
    }

    private void StartController(string socket)
    {
        var p = Coast.StartController("--control-socket", socket);
        Started.Add(p);
        _ = Task.Run(async () => { while (await p.StandardOutput.ReadLineAsync() is { } line) _controllerOutput.Enqueue(line); });
        _ = p.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    private static async Task WaitForListenerAsync(string socket) =>
        await UntilAsync(() =>
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try { probe.Connect(new UnixDomainSocketEndPoint(socket)); return true; }
            catch (SocketException) { return false; }
        }, "the controller's control socket");

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
