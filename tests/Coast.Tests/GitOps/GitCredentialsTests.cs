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

    private Task<GitEnvironment> EnvAsync(GitSourceSpec spec) =>
        GitCredentialsEnvironment.ForAsync(spec, Options, Path.Combine(_home, "cache"), TimeSpan.FromSeconds(5), CancellationToken.None);

    private const string SshUrl = "ssh://git@127.0.0.1:1/envs.git";

    [Fact]
    public async Task Without_credentials_git_never_prompts_and_no_shell_string_or_user_config_reaches_it()
    {
        var env = await EnvAsync(new GitSourceSpec { Url = "/srv/x" });
        env.Variables["GIT_TERMINAL_PROMPT"].ShouldBe("0");
        env.Variables["GIT_CONFIG_GLOBAL"].ShouldBe("/dev/null");
        env.Variables["GIT_CONFIG_NOSYSTEM"].ShouldBe("1");
        env.Variables.ContainsKey("GIT_SSH_COMMAND").ShouldBeFalse();
        env.Variables.ContainsKey("GIT_CONFIG_COUNT").ShouldBeFalse();
        GitEnvironment.Unset.ShouldContain("GIT_SSH_COMMAND");
    }

    [Fact]
    public async Task A_secret_becomes_an_authorization_header_in_the_environment_and_is_redacted_from_messages()
    {
        WriteSecret("envs", "username=deploy\npassword=s3cret\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var env = await EnvAsync(new GitSourceSpec { Url = "http://127.0.0.1/x.git", Credentials = new GitCredentials { SecretRef = "envs" } });
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("deploy:s3cret"));
        env.Variables["GIT_CONFIG_KEY_0"].ShouldBe("http.extraHeader");
        env.Variables["GIT_CONFIG_VALUE_0"].ShouldBe("Authorization: Basic " + token);
        env.Redact($"said s3cret and {token}").ShouldBe("said *** and ***");
    }

    [Fact]
    public async Task A_missing_or_readable_secret_and_a_missing_or_readable_key_are_named_without_their_contents()
    {
        var missing = await Should.ThrowAsync<ReconcileFailedException>(() =>
            EnvAsync(new GitSourceSpec { Url = "http://h/x.git", Credentials = new GitCredentials { SecretRef = "nope" } }));
        missing.Reason.ShouldBe(GitSourceNames.CredentialsNotFound);
        missing.Message.ShouldContain("secret 'nope' not found");

        WriteSecret("open", "password=visible\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var open = await Should.ThrowAsync<ReconcileFailedException>(() =>
            EnvAsync(new GitSourceSpec { Url = "http://h/x.git", Credentials = new GitCredentials { SecretRef = "open" } }));
        open.Message.ShouldContain("chmod 600");
        open.Message.ShouldNotContain("visible");

        var key = await Should.ThrowAsync<ReconcileFailedException>(() =>
            EnvAsync(new GitSourceSpec { Url = SshUrl, Credentials = new GitCredentials { SshKeyPath = Path.Combine(_home, "id_none") } }));
        key.Reason.ShouldBe(GitSourceNames.CredentialsNotFound);
        key.Message.ShouldContain("spec.credentials.sshKeyPath: no file");

        var readable = WriteSecret("id_open", "-----BEGIN OPENSSH PRIVATE KEY-----", UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var loose = await Should.ThrowAsync<ReconcileFailedException>(() =>
            EnvAsync(new GitSourceSpec { Url = SshUrl, Credentials = new GitCredentials { SshKeyPath = readable } }));
        loose.Message.ShouldContain("chmod 600");
        loose.Message.ShouldNotContain("BEGIN");
    }

    [Theory]
    [InlineData("root@10.0.0.2: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.", "AuthenticationFailed", "sshKeyPath")]
    [InlineData("Host key verification failed.\nfatal: Could not read from remote repository.", "HostKeyMismatch", "spec.hostKey")]
    [InlineData("fatal: Authentication failed for 'http://127.0.0.1:4000/envs.git/'", "AuthenticationFailed", "secretRef")]
    [InlineData("fatal: could not read Username for 'http://127.0.0.1:4000': terminal prompts disabled", "AuthenticationFailed", "secretRef")]
    [InlineData("fatal: couldn't find remote ref refs/heads/nope", "FetchFailed", "couldn't find remote ref")]
    public void A_failed_fetch_names_its_cause(string stderr, string reason, string mentions)
    {
        var e = GitClient.Failure("fetch", 128, stderr);
        e.Reason.ShouldBe(reason);
        e.Message.ShouldContain(mentions);
    }

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
