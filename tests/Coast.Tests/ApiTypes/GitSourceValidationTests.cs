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
        Problems(s => s.Credentials = new GitCredentials { SshKeyPath = "/k;rm -rf" }).ShouldContain(p => p.StartsWith("spec.credentials.sshKeyPath:"));
        Problems(s => s.Credentials = new GitCredentials { SecretRef = "Not_A_Name" }).ShouldContain(p => p.StartsWith("spec.credentials.secretRef:"));
        Problems(s => s.Credentials = new GitCredentials { SshKeyPath = "/home/me/.ssh/id_ed25519" }).ShouldBeEmpty();
    }

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
