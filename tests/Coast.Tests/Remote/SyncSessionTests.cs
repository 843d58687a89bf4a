using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Remote.Ssh;
using Coast.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coast.Tests.Remote;

/// <summary>Workspace sync to the real netns test host: real rsync over OpenSSH, Coast's watcher over SSH.NET.</summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class SyncSessionTests(RemoteHostFixture fixture, PostgresFixture pg, ITestOutputHelper output) : IAsyncLifetime
{
    private TunnelHarness _h = null!;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "coast-sync-local-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _remote = Path.Combine(Path.GetTempPath(), "coast-sync-remote-" + Guid.NewGuid().ToString("N")[..8]);
    private SshConnection _ssh = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_local, "src"));
        await File.WriteAllTextAsync(Path.Combine(_local, "src", "app.js"), "console.log(1)\n");
        File.SetLastWriteTimeUtc(Path.Combine(_local, "src", "app.js"), SameSecond.AddMilliseconds(100));
        await File.WriteAllTextAsync(Path.Combine(_local, "README"), "hello\n");
        Directory.CreateDirectory(Path.Combine(_local, "node_modules", "x"));
        await File.WriteAllTextAsync(Path.Combine(_local, "node_modules", "x", "big.js"), "excluded\n");
        _h = await TunnelHarness.StartAsync(fixture, pg);
        await _h.DeclareHostAsync();
        _ssh = await SshConnection.OpenAsync(fixture.Host.Target, fixture.Pin);
    }

    public async Task DisposeAsync()
    {
        await _ssh.DisposeAsync();
        await _h.DisposeAsync();
        foreach (var d in new[] { _local, _remote }) if (Directory.Exists(d)) Directory.Delete(d, true);
    }

    /// <summary>The first and the edited app.js carry times within one second: rsync's default quick check
    /// (size + whole seconds) would skip the edit, as it once did in CI.</summary>
    private static readonly DateTime SameSecond = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private SyncSession Declare(string mode) => new()
    {
        Metadata = new ObjectMeta { Name = "dev-1", Namespace = "demo" },
        Spec = new SyncSessionSpec { Project = "demo", Instance = "dev-1", RemoteHost = "th", LocalPath = _local, RemotePath = _remote, Mode = mode },
    };

    private static readonly ResourceKey Key = new(SyncSession.KindName, "demo", "dev-1");

    /// <summary>The remote file as a process on the remote reads it (through ssh), null when missing.</summary>
    private async Task<string?> RemoteAsync(string rel)
    {
        var r = await _ssh.RunAsync(["cat", "--", Path.Combine(_remote, rel)]);
        return r.ExitCode == 0 ? r.StandardOutput : null;
    }

    [Fact]
    public async Task A_one_shot_sync_copies_the_tree_without_excludes_and_a_resync_keeps_protected_generated_files_and_deletes_the_rest()
    {
        await _h.Store.Resources.CreateAsync(Declare(SyncModes.OneShot));
        var s = await _h.UntilAsync<SyncSession>(Key, x => Conditions.IsTrue(x.Status.Conditions, "Ready"));
        (await RemoteAsync("src/app.js")).ShouldBe("console.log(1)\n");
        (await RemoteAsync("node_modules/x/big.js")).ShouldBeNull("node_modules is excluded");
        s.Status.Engine.ShouldBe("rsync");
        s.Status.LastFiles.ShouldBeGreaterThanOrEqualTo(2);
        s.Status.LastBytes.ShouldBeGreaterThan(0);
        s.Status.LastFullSyncTime.ShouldNotBeNull();

        // The remote dev server generated files; the local tree lost a file.
        (await _ssh.RunAsync(["sh", "-c", "mkdir -p \"$1/generated/proto\" && echo gen > \"$1/generated/proto/client.ts\" && echo stray > \"$1/stray.txt\"", "sh", _remote])).ExitCode.ShouldBe(0);
        File.Delete(Path.Combine(_local, "README"));
        await File.WriteAllTextAsync(Path.Combine(_local, "src", "app.js"), "console.log(2)\n");
        File.SetLastWriteTimeUtc(Path.Combine(_local, "src", "app.js"), SameSecond.AddMilliseconds(600));
        var stored = (SyncSession)(await _h.Store.Resources.GetAsync(Key))!;
        stored.Spec.Resync = "assign-1";
        await _h.Store.Resources.UpdateAsync(stored);

        await _h.UntilAsync<SyncSession>(Key, x => x.Status.ObservedGeneration == x.Metadata.Generation && Conditions.Get(x.Status.Conditions, "Ready")!.ObservedGeneration == x.Metadata.Generation);
        (await RemoteAsync("src/app.js")).ShouldBe("console.log(2)\n");
        (await RemoteAsync("README")).ShouldBeNull("a local delete propagates (--delete-after)");
        (await RemoteAsync("stray.txt")).ShouldBeNull();
        (await RemoteAsync("generated/proto/client.ts")).ShouldBe("gen\n", "generated/ is protected from deletion");
    }

    [Fact]
    public async Task Continuous_sync_sends_edits_creations_and_deletes_and_reports_lag()
    {
        await _h.Store.Resources.CreateAsync(Declare(SyncModes.Continuous));
        var s = await _h.UntilAsync<SyncSession>(Key, x => Conditions.IsTrue(x.Status.Conditions, "Ready") && Conditions.IsTrue(x.Status.Conditions, SyncReasons.Continuous));
        s.Status.Engine.ShouldBe(SyncEngines.Watcher);
        (await _ssh.RunAsync(["sh", "-c", "mkdir -p \"$1/generated\" && echo gen > \"$1/generated/a.ts\"", "sh", _remote])).ExitCode.ShouldBe(0);

        await File.WriteAllTextAsync(Path.Combine(_local, "src", "app.js"), "console.log('edited')\n");
        (await Poll.UntilAsync(async () => await RemoteAsync("src/app.js") == "console.log('edited')\n", TimeSpan.FromSeconds(10))).ShouldBeTrue("the edit reached the remote");
        Directory.CreateDirectory(Path.Combine(_local, "src", "new", "deep"));
        await File.WriteAllTextAsync(Path.Combine(_local, "src", "new", "deep", "file.txt"), "fresh\n");
        (await Poll.UntilAsync(async () => await RemoteAsync("src/new/deep/file.txt") == "fresh\n", TimeSpan.FromSeconds(10))).ShouldBeTrue("a new directory tree arrives");
        File.Delete(Path.Combine(_local, "README"));
        (await Poll.UntilAsync(async () => await RemoteAsync("README") is null, TimeSpan.FromSeconds(10))).ShouldBeTrue("a delete propagates");
        await File.WriteAllTextAsync(Path.Combine(_local, "node_modules", "x", "big.js"), "still excluded\n");
        (await RemoteAsync("generated/a.ts")).ShouldBe("gen\n", "the watcher never touches protected generated files");

        s = await _h.UntilAsync<SyncSession>(Key, x => x.Status.Syncs >= 3 && x.Status.LagMs is not null);
        output.WriteLine($"syncs {s.Status.Syncs}, last lag {s.Status.LagMs} ms, last bytes {s.Status.LastBytes}, total {s.Status.BytesTotal}");
        s.Status.LastSyncTime.ShouldNotBeNull();
        (await RemoteAsync("node_modules/x/big.js")).ShouldBeNull();
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_by_the_sync_naming_both_fingerprints()
    {
        var wrong = HostKeyFingerprint.Parse("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var e = await Should.ThrowAsync<HostKeyMismatchException>(() =>
            Coast.Controller.Remote.Sync.RsyncTransport.PrepareAsync(_h.StateDirectory, "th", fixture.Host.Target, wrong, CancellationToken.None));
        e.Message.ShouldContain(wrong.Value);
        e.Message.ShouldContain(fixture.Pin.Value);
        File.Exists(Path.Combine(_h.StateDirectory, "th.known_hosts")).ShouldBeFalse("nothing is written for a refused key");

        // ssh itself refuses a host whose key is not the one Coast wrote, even if Coast's own check were skipped.
        var good = await Coast.Controller.Remote.Sync.RsyncTransport.PrepareAsync(_h.StateDirectory, "th", fixture.Host.Target, fixture.Pin, CancellationToken.None);
        var line = (await File.ReadAllTextAsync(good.KnownHostsFile)).Split(' ');
        await File.WriteAllTextAsync(good.KnownHostsFile, $"{line[0]} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGh0Ks6uB6x7mLBz3y5xC6pWcYtYb3g9S8pU1yoQ2xVn\n");
        var rsync = await Coast.Client.Processes.ProcessRunner.RunAsync("rsync",
            ["-r", "-e", good.SshCommand, _local + "/", good.Destination(_remote)], TimeSpan.FromSeconds(30));
        rsync.ExitCode.ShouldNotBe(0);
        rsync.StandardError.ShouldContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
    }
}
