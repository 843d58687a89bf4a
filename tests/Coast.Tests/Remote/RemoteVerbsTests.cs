using System.Net.Sockets;
using System.Text.RegularExpressions;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Store;
using Coast.Client.Store;
using Coast.Tests.Infrastructure;
using Coast.Tests.Cli;
using Coast.Tests.Instances;
using Xunit.Abstractions;
using static Coast.Tests.Remote.RemoteProbes;

namespace Coast.Tests.Remote;

/// <summary>
/// `coast remote add|ls|rm|test|status` through the real `coast` binary and controller against the netns test
/// host: the CLI only writes RemoteHosts and reads their status; the controller does the SSH.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteVerbsTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output)
{
    private RemoteTestHost Host => fixture.Host;
    private string Target => $"{Host.User}@{Host.Address}:{Host.Port}";

    [Fact]
    public async Task Add_pins_the_given_key_and_without_a_terminal_refuses_naming_the_offered_key()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();

        var noTty = await world.Cli.RunAsync("remote", "add", "th", Target, "-k", Host.KeyPath);
        noTty.ExitCode.ShouldBe(1, noTty.ToString());
        noTty.Err.ShouldContain($"--accept-host-key {fixture.Pin.Value}");
        noTty.Err.ShouldContain("no terminal");
        (await world.Cli.RunAsync("remote", "ls")).Out.ShouldNotContain("th ", customMessage: "a refused add leaves no RemoteHost");

        const string wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        var mismatch = await world.Cli.RunAsync("remote", "add", "th", Target, "-k", Host.KeyPath, "--accept-host-key", wrong);
        mismatch.ExitCode.ShouldBe(1, mismatch.ToString());
        mismatch.Err.ShouldContain(wrong);
        mismatch.Err.ShouldContain(fixture.Pin.Value);
        (await world.Cli.RunAsync("get", "remotehosts")).Out.ShouldNotContain("th ");

        var bad = await world.Cli.RunAsync("remote", "add", "th", Target, "--accept-host-key", "md5:aa");
        bad.ExitCode.ShouldBe(2, bad.ToString());
        bad.Err.ShouldContain("--accept-host-key");

        var add = await world.Cli.RunAsync("remote", "add", "th", Target, "-k", Host.KeyPath, "--accept-host-key", fixture.Pin.Value);
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Out.ShouldContain($"remotehost/th added: {Target}, host key {fixture.Pin.Value} pinned");

        var ls = await world.Cli.RunAsync("remote", "ls");
        ls.ExitCode.ShouldBe(0, ls.ToString());
        ls.Out.ShouldStartWith("NAME");
        var row = ls.Out.Split('\n').Single(l => l.StartsWith("th "));
        row.ShouldContain(Target);
        row.ShouldContain("True");
        row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last().ShouldBe("0");

        var test = await world.Cli.RunAsync("remote", "test", "th");
        output.WriteLine(test.Out);
        test.ExitCode.ShouldBe(0, test.ToString());
        var docker = (await Host.DockerAsync("version", "--format", "{{.Server.Version}}")).StandardOutput.Trim();
        test.Out.ShouldContain("reachable:      yes");
        test.Out.ShouldContain($"docker:         {docker}");
        test.Out.ShouldMatch(@"free:           cpus=\d+ memFree=\d+MiB diskFree=\d+MiB");
        test.Out.ShouldContain("reverse binds:  yes, on all addresses (GatewayPorts)");
        test.Out.ShouldContain("agent:          not running");
    }

    [Fact]
    public async Task Add_on_a_terminal_shows_the_offered_key_and_pins_it_only_when_accepted()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();

        var declined = await OnTerminalAsync(world, "n\n", "tty-no");
        declined.ExitCode.ShouldBe(1, declined.ToString());
        declined.Out.ShouldContain($"The host key of {Target} is {fixture.Pin.Value}.");
        declined.Out.ShouldContain("Accept? [y/N]");
        declined.Out.ShouldContain("not accepted; nothing pinned");
        (await world.Cli.RunAsync("get", "remotehosts")).Out.ShouldNotContain("tty-no");

        var accepted = await OnTerminalAsync(world, "y\n", "tty-yes");
        accepted.ExitCode.ShouldBe(0, accepted.ToString());
        accepted.Out.ShouldContain($"remotehost/tty-yes added: {Target}, host key {fixture.Pin.Value} pinned");
        (await world.Cli.RunAsync("remote", "ls")).Out.Split('\n').Single(l => l.StartsWith("tty-yes ")).ShouldContain("True");
    }

    /// <summary>
    /// `coast remote add` with a terminal on stdin (util-linux `script` makes the pty and passes our input through). The
    /// command line given to `script` is a constant; every value reaches it as an environment variable.
    /// </summary>
    private async Task<CliResult> OnTerminalAsync(CoastWorld world, string input, string name)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("script")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-qec", "exec dotnet \"$COAST_DLL\" remote add \"$RH_NAME\" \"$RH_TARGET\" -k \"$RH_KEY\"", "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment["COAST_DLL"] = CoastProcess.Dll;
        psi.Environment["RH_NAME"] = name;
        psi.Environment["RH_TARGET"] = Target;
        psi.Environment["RH_KEY"] = Host.KeyPath;
        psi.Environment["COAST_DATABASE_URL"] = pg.ConnectionString;
        psi.Environment["COAST_SCHEMA"] = world.Schema;
        psi.Environment["COAST_HOME"] = world.Home;
        psi.Environment["COAST_NO_AUTOSTART"] = "1";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // Answer only once the question is on the terminal (the CLI reads its answer after the controller replied).
        await p.StandardInput.WriteAsync(input);
        await p.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        p.StandardInput.Close();
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_with_both_fingerprints_and_re_pinning_it_works()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();
        var old = fixture.Pin;
        (await world.Cli.RunAsync("remote", "add", "rk", Target, "-k", Host.KeyPath, "--accept-host-key", old.Value)).ExitCode.ShouldBe(0);

        var rekey = await Host.RunScriptAsync("rekey");
        rekey.ExitCode.ShouldBe(0, rekey.StandardError);
        var fresh = fixture.Pin = await Host.HostKeyFromFileAsync();
        fresh.ShouldNotBe(old);
        // The controller's open connection survives a rekey; once it drops, its reconnect meets the new key.
        KillEach(ChildrenOf(Host.SshdPid));

        CliResult test = null!;
        (await Poll.UntilAsync(async () => (test = await world.Cli.RunAsync("remote", "test", "rk")).ExitCode != 0, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)))
            .ShouldBeTrue($"still reachable with the old pin: {test}");
        test.ExitCode.ShouldBe(1);
        test.Err.ShouldContain("HostKeyMismatch");
        test.Err.ShouldContain(old.Value);
        test.Err.ShouldContain(fresh.Value);
        (await world.Cli.RunAsync("remote", "ls")).Out.ShouldContain("False (HostKeyMismatch)");

        // A re-add that pins nothing (no terminal) changes nothing: the host keeps its old pin.
        var noTty = await world.Cli.RunAsync("remote", "add", "rk", Target, "-k", Host.KeyPath);
        noTty.ExitCode.ShouldBe(1, noTty.ToString());
        noTty.Err.ShouldContain($"--accept-host-key {fresh.Value}");
        var json = System.Text.Json.JsonDocument.Parse((await world.Cli.RunAsync("get", "remotehost", "rk", "-o", "json")).Out);
        json.RootElement.GetProperty("spec").GetProperty("hostKey").GetString().ShouldBe(old.Value);

        var again = await world.Cli.RunAsync("remote", "add", "rk", Target, "-k", Host.KeyPath, "--accept-host-key", fresh.Value);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Out.ShouldContain("remotehost/rk configured");
        (await world.Cli.RunAsync("remote", "test", "rk")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Rm_is_refused_while_an_instance_uses_the_host_and_status_lists_it()
    {
        await using var world = new CoastWorld(pg);
        world.StartController();
        (await world.Cli.RunAsync("remote", "add", "used", Target, "-k", Host.KeyPath, "--accept-host-key", fixture.Pin.Value)).ExitCode.ShouldBe(0);
        // An instance naming the host (its project has no build, so nothing is sent to the host).
        using (var store = await CoastStore.OpenAsync(pg.ConnectionString, world.Schema))
            await store.Resources.CreateAsync(new Instance
            {
                Metadata = new ObjectMeta { Name = "dev-9", Namespace = world.Project },
                Spec = new InstanceSpec { Project = world.Project, RemoteHost = "used" },
            });

        var rm = await world.Cli.RunAsync("remote", "rm", "used");
        rm.ExitCode.ShouldBe(3, rm.ToString());
        rm.Err.ShouldContain($"{world.Project}/dev-9");
        (await world.Cli.RunAsync("remote", "ls")).Out.Split('\n').Single(l => l.StartsWith("used ")).TrimEnd().ShouldEndWith("1");

        var status = await world.Cli.RunAsync("remote", "status", "used");
        status.ExitCode.ShouldBe(0, status.ToString());
        status.Out.ShouldContain("instances (1):");
        status.Out.ShouldMatch($@"{world.Project}\s+dev-9");
        status.Out.ShouldMatch(@"free:\s+cpus=\d+");

        var forced = await world.Cli.RunAsync("remote", "rm", "used", "--force");
        forced.ExitCode.ShouldBe(0, forced.ToString());
        forced.Err.ShouldContain($"{world.Project}/dev-9");
        forced.Out.ShouldContain("remotehost/used deleted");
        (await world.Cli.RunAsync("remote", "status", "used")).ExitCode.ShouldBe(4);
    }
}
