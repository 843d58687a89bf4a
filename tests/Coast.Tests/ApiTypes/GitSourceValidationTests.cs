using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.ApiTypes.Validation;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.ApiTypes;

[Trait("Category", Category.Unit)]
public sealed class GitSourceValidationTests
{
    private static GitSource Source(Action<GitSourceSpec> change)
    {
        var s = new GitSource { Metadata = { Name = "team" }, Spec = { Url = "https://git.example/team/envs.git" } };
        change(s.Spec);
        return s;
    }

    private static string[] Problems(Action<GitSourceSpec> change) =>
        ResourceValidator.Validate(Source(change)).Select(e => e.ToString()).ToArray();

    [Fact]
    public void A_plain_source_is_valid_and_cluster_scoped()
    {
        Problems(_ => { }).ShouldBeEmpty();
        var namespaced = Source(_ => { });
        namespaced.Metadata.Namespace = "demo";
        ResourceValidator.Validate(namespaced).ShouldContain(e => e.Path == "metadata.namespace");
        ResourceKinds.Find("gitsources")!.Kind.ShouldBe(GitSource.KindName);
    }

    [Theory]
    [InlineData("spec.url", "")]
    [InlineData("spec.url", "--upload-pack=touch /tmp/x")]
    [InlineData("spec.url", "https://me:hunter2@git.example/envs.git")]
    public void A_bad_url_is_named(string path, string url) =>
        Problems(s => s.Url = url).ShouldContain(p => p.StartsWith(path + ":"));

    [Fact]
    public void Every_field_is_checked_with_its_path()
    {
        Problems(s => s.Branch = "-x").ShouldContain(p => p.StartsWith("spec.branch:"));
        Problems(s => s.Branch = "a..b").ShouldContain(p => p.StartsWith("spec.branch:"));
        Problems(s => s.Path = "../up").ShouldContain(p => p.StartsWith("spec.path:"));
        Problems(s => s.Path = "/abs").ShouldContain(p => p.StartsWith("spec.path:"));
        Problems(s => s.Interval = "soon").ShouldContain(p => p.StartsWith("spec.interval:"));
        Problems(s => s.Interval = "10ms").ShouldContain(p => p.StartsWith("spec.interval:"));
        Problems(s => s.Timeout = "-1s").ShouldContain(p => p.StartsWith("spec.timeout:"));
        Problems(s => s.Credentials = new GitCredentials()).ShouldContain(p => p.StartsWith("spec.credentials:"));
        Problems(s => s.Credentials = new GitCredentials { SecretRef = "a", SshKeyPath = "/k" }).ShouldContain(p => p.StartsWith("spec.credentials:"));
        Problems(s => s.Credentials = new GitCredentials { SshKeyPath = "key" }).ShouldContain(p => p.StartsWith("spec.credentials.sshKeyPath:"));
        Problems(s => s.Credentials = new GitCredentials { SecretRef = "Not_A_Name" }).ShouldContain(p => p.StartsWith("spec.credentials.secretRef:"));
        Problems(s => s.Credentials = new GitCredentials { SecretRef = "envs" }).ShouldBeEmpty();
    }

    private const string Pin = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";

    [Fact]
    public void An_ssh_url_needs_a_pinned_host_key_and_takes_a_key_path_with_any_printable_characters()
    {
        Problems(s => s.Url = "ssh://git@git.example:2222/envs.git").ShouldContain(p => p.StartsWith("spec.hostKey: required for an ssh URL"));
        Problems(s => s.Url = "git@git.example:envs.git").ShouldContain(p => p.StartsWith("spec.hostKey: required for an ssh URL"));
        Problems(s => (s.Url, s.HostKey) = ("git@git.example:envs.git", "MD5:aa:bb")).ShouldContain(p => p.StartsWith("spec.hostKey: must be a SHA256"));
        Problems(s => s.HostKey = Pin).ShouldContain(p => p.StartsWith("spec.hostKey: only for an ssh URL"));
        Problems(s => s.Credentials = new GitCredentials { SshKeyPath = "/home/me/.ssh/id_ed25519" }).ShouldContain(p => p.StartsWith("spec.credentials.sshKeyPath: only for an ssh URL"));
        Problems(s => (s.Url, s.HostKey, s.Credentials) = ("ssh://git@git.example/envs.git", Pin, new GitCredentials { SecretRef = "envs" }))
            .ShouldContain(p => p.StartsWith("spec.credentials.secretRef: only for an http(s) URL"));
        Problems(s => (s.Url, s.HostKey, s.Credentials) = ("ssh://git@git.example/envs.git", Pin, new GitCredentials { SshKeyPath = "/k\nx" }))
            .ShouldContain(p => p.StartsWith("spec.credentials.sshKeyPath: must not contain control characters"));
        Problems(s => (s.Url, s.HostKey, s.Credentials) = ("ssh://git@git.example:2222/envs.git", Pin,
            new GitCredentials { SshKeyPath = "/home/me/my keys/id $(touch x);'\"`" })).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ssh://git@git.example:2222/envs.git", "ssh", "git", "git.example", 2222)]
    [InlineData("git+ssh://git.example/envs.git", "ssh", null, "git.example", 22)]
    [InlineData("deploy@10.0.0.5:team/envs.git", "ssh", "deploy", "10.0.0.5", 22)]
    [InlineData("https://git.example/envs.git", "http", null, "git.example", 443)]
    [InlineData("/srv/git/envs.git", "local", null, "", 0)]
    [InlineData("./envs:old", "local", null, "", 0)]
    [InlineData("file:///srv/envs.git", "local", null, "", 0)]
    public void Urls_are_read_as_git_reads_them(string url, string scheme, string? user, string host, int port) =>
        GitUrl.Parse(url).ShouldBe(new GitUrl(scheme, user, host, port));

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m", 60)]
    [InlineData("1m30s", 90)]
    [InlineData("2h", 7200)]
    [InlineData("500ms", 0.5)]
    public void Durations_parse(string text, double seconds)
    {
        SpecDuration.TryParse(text, out var d).ShouldBeTrue();
        d.TotalSeconds.ShouldBe(seconds);
    }

    [Fact]
    public void A_manifest_round_trips_with_its_defaults()
    {
        var yaml = "apiVersion: coast.dev/v1alpha1\nkind: GitSource\nmetadata:\n  name: team\nspec:\n  url: /srv/envs\n  prune: true\n";
        var source = (GitSource)ResourceYaml.DeserializeAll(yaml, "s.yaml").Single();
        (source.Spec.Branch, source.Spec.Path, source.Spec.Interval, source.Spec.Prune).ShouldBe(("main", ".", "1m", true));
        ResourceValidator.Validate(source).ShouldBeEmpty();
        ResourceYaml.Serialize(source).ShouldContain("url: /srv/envs");
    }
}
