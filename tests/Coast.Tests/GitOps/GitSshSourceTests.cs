using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Processes;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Coast.Tests.Remote;

namespace Coast.Tests.GitOps;

/// <summary>
/// A private repository served over ssh by the remote test host's real sshd (key auth only): the bare
/// repository lives on its filesystem, the source clones `ssh://root@ADDR:PORT/...` with a key path and the
/// pinned host key. A wrong key and a wrong pin are clear failures; nothing is learnt, nothing shell-parsed.
/// </summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class GitSshSourceTests(RemoteHostFixture remote, PostgresFixture pg) : GitSourceTestBase(pg)
{
    /// <summary>A repository with one project, pushed to a bare repository the test host serves; its ssh URL and commit.</summary>
    private async Task<(string Url, string Commit)> ServedRepoAsync()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo"));
        var commit = repo.Commit();
        var bare = Path.Combine(Temp, "served", "envs.git");
        await ProcessRunner.RunCheckedAsync("git", ["clone", "--quiet", "--bare", repo.Dir, bare]);
        var host = remote.Host;
        return ($"ssh://{host.User}@{host.Address}:{host.Port}{bare}", commit);
    }

    /// <summary>A copy (0600) of <paramref name="key"/> at <paramref name="path"/>.</summary>
    private static string KeyAt(string key, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(key, path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private async Task<GitSource> CreateSshSourceAsync(string url, string keyPath, string hostKey) =>
        (GitSource)await Store.CreateAsync(new GitSource
        {
            Metadata = { Name = "team" },
            Spec = { Url = url, Path = "deploy", Prune = true, HostKey = hostKey, Credentials = new GitCredentials { SshKeyPath = keyPath } },
        });

    private static string? UserKnownHosts()
    {
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    [Fact]
    public async Task A_private_repository_is_cloned_over_ssh_with_a_key_whose_path_holds_spaces_and_shell_characters()
    {
        var (url, commit) = await ServedRepoAsync();
        // Each of these would do something if a shell or ssh's config parser ever read the path.
        var key = KeyAt(remote.Host.KeyPath, Path.Combine(Temp, "my keys;touch PWNED;'\"$HOME`x`%d", "id $(touch PWNED) ed25519"));
        var knownHostsBefore = UserKnownHosts();
        await CreateSshSourceAsync(url, key, remote.Pin.ToString());

        var source = await ReconcileAsync("team");

        Conditions.IsTrue(source.Status.Conditions, GitSourceNames.Ready).ShouldBeTrue(Conditions.Get(source.Status.Conditions, GitSourceNames.Ready)?.Message);
        source.Status.LastAppliedRevision.ShouldBe($"main@sha1:{commit}");
        (await GetAsync(Project.KindName, "demo", "demo"))!.Metadata.Labels[GitSourceNames.OwnerLabel].ShouldBe("team");
        File.Exists(Path.Combine(Environment.CurrentDirectory, "PWNED")).ShouldBeFalse();
        Directory.EnumerateFiles(Temp, "PWNED", SearchOption.AllDirectories).ShouldBeEmpty();
        UserKnownHosts().ShouldBe(knownHostsBefore, "the server's key was learnt into the user's known_hosts");
        var sshDir = Path.Combine(Options.CacheDir("team"), "ssh");
        File.ReadAllText(Path.Combine(sshDir, "config")).ShouldNotContain(key);
        File.ResolveLinkTarget(Path.Combine(sshDir, "identity"), returnFinalTarget: false)!.FullName.ShouldBe(key);
    }

    [Fact]
    public async Task A_key_the_server_does_not_accept_is_a_clear_authentication_failure_that_prints_no_key()
    {
        var (url, _) = await ServedRepoAsync();
        var wrong = Path.Combine(Temp, "wrong", "id_ed25519");
        Directory.CreateDirectory(Path.GetDirectoryName(wrong)!);
        await ProcessRunner.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", wrong]);
        await CreateSshSourceAsync(url, wrong, remote.Pin.ToString());

        var failure = await Should.ThrowAsync<ReconcileFailedException>(() => ReconcileAsync("team"));

        failure.Reason.ShouldBe(GitSourceNames.AuthenticationFailed);
        var ready = Conditions.Get((await SourceAsync("team")).Status.Conditions, GitSourceNames.Ready)!;
        (ready.Status, ready.Reason).ShouldBe((ConditionStatus.False, GitSourceNames.AuthenticationFailed));
        ready.Message.ShouldContain("Permission denied (publickey)");
        ready.Message.ShouldContain("spec.credentials.sshKeyPath");
        var keyBody = File.ReadAllLines(wrong).Where(l => !l.StartsWith("-----")).ToList();
        keyBody.ShouldNotBeEmpty();
        foreach (var line in keyBody) ready.Message.ShouldNotContain(line);
        (await GetAsync(Project.KindName, "demo", "demo")).ShouldBeNull();
        (await SourceAsync("team")).Status.LastAppliedRevision.ShouldBeNull();
    }

    [Fact]
    public async Task A_server_presenting_another_host_key_than_the_pin_is_refused_before_anything_is_sent()
    {
        var (url, _) = await ServedRepoAsync();
        var key = KeyAt(remote.Host.KeyPath, Path.Combine(Temp, "keys", "id_ed25519"));
        var otherPin = "SHA256:" + new string('A', 43);
        var sessionsBefore = SshdAcceptedLogins();
        await CreateSshSourceAsync(url, key, otherPin);

        var failure = await Should.ThrowAsync<ReconcileFailedException>(() => ReconcileAsync("team"));

        failure.Reason.ShouldBe(GitSourceNames.HostKeyMismatch);
        var ready = Conditions.Get((await SourceAsync("team")).Status.Conditions, GitSourceNames.Ready)!;
        (ready.Status, ready.Reason).ShouldBe((ConditionStatus.False, GitSourceNames.HostKeyMismatch));
        ready.Message.ShouldContain($"presented host key {remote.Pin}");
        ready.Message.ShouldContain($"pinned {otherPin}");
        SshdAcceptedLogins().ShouldBe(sessionsBefore, "a key was offered to a server whose host key is not the pin");
        (await GetAsync(Project.KindName, "demo", "demo")).ShouldBeNull();
        File.Exists(Path.Combine(Options.CacheDir("team"), "ssh", "known_hosts")).ShouldBeFalse();
    }

    /// <summary>How many logins the test host's sshd accepted so far (its log: "Accepted publickey for ...").</summary>
    private int SshdAcceptedLogins()
    {
        var log = Path.Combine(remote.Host.StateDir, "sshd.log");
        return File.Exists(log) ? File.ReadLines(log).Count(l => l.Contains("Accepted publickey")) : 0;
    }
}
