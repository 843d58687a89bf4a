using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Controller.GitOps;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.GitOps;

/// <summary>Credentials by reference become git's environment, never its command line.</summary>
[Trait("Category", Category.Unit)]
public sealed class GitCredentialsTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "coast-gitcreds-" + Guid.NewGuid().ToString("N")[..8]);
    private GitSourceOptions Options => GitSourceOptions.FromHome(_home);

    private string WriteSecret(string name, string text, UnixFileMode mode)
    {
        Directory.CreateDirectory(Options.SecretsDir);
        var path = Path.Combine(Options.SecretsDir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Without_credentials_git_never_prompts()
    {
        var env = GitCredentialsEnvironment.For(new GitSourceSpec { Url = "/srv/x" }, Options);
        env["GIT_TERMINAL_PROMPT"].ShouldBe("0");
        env["GIT_SSH_COMMAND"].ShouldContain("BatchMode=yes");
        env.ShouldNotContainKey("GIT_CONFIG_COUNT");
    }

    [Fact]
    public void A_secret_becomes_an_authorization_header_in_the_environment()
    {
        WriteSecret("envs", "username=deploy\npassword=s3cret\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var env = GitCredentialsEnvironment.For(new GitSourceSpec { Credentials = new GitCredentials { SecretRef = "envs" } }, Options);
        env["GIT_CONFIG_KEY_0"].ShouldBe("http.extraHeader");
        env["GIT_CONFIG_VALUE_0"].ShouldBe("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("deploy:s3cret")));
    }

    [Fact]
    public void A_missing_or_readable_secret_and_a_missing_key_are_named_without_their_contents()
    {
        var missing = Should.Throw<ReconcileFailedException>(() =>
            GitCredentialsEnvironment.For(new GitSourceSpec { Credentials = new GitCredentials { SecretRef = "nope" } }, Options));
        missing.Reason.ShouldBe(GitSourceNames.CredentialsNotFound);
        missing.Message.ShouldContain("secret 'nope' not found");

        WriteSecret("open", "password=visible\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var open = Should.Throw<ReconcileFailedException>(() =>
            GitCredentialsEnvironment.For(new GitSourceSpec { Credentials = new GitCredentials { SecretRef = "open" } }, Options));
        open.Message.ShouldContain("chmod 600");
        open.Message.ShouldNotContain("visible");

        var key = Should.Throw<ReconcileFailedException>(() =>
            GitCredentialsEnvironment.For(new GitSourceSpec { Credentials = new GitCredentials { SshKeyPath = Path.Combine(_home, "id_none") } }, Options));
        key.Message.ShouldContain("spec.credentials.sshKeyPath");
    }

    [Fact]
    public void An_ssh_key_is_used_alone_and_in_batch_mode()
    {
        Directory.CreateDirectory(_home);
        var keyPath = Path.Combine(_home, "id_test");
        File.WriteAllText(keyPath, "not really a key");
        var env = GitCredentialsEnvironment.For(new GitSourceSpec { Credentials = new GitCredentials { SshKeyPath = keyPath } }, Options);
        env["GIT_SSH_COMMAND"].ShouldBe($"ssh -i {keyPath} -o IdentitiesOnly=yes -o BatchMode=yes");
    }

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
