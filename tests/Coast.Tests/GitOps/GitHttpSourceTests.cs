using System.Text;
using Coast.Client.Processes;
using Coast.Tests.Cli;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.GitOps;

/// <summary>
/// A private repository over HTTP with basic auth (<see cref="GitHttpServer"/>: the real `git http-backend`),
/// the token in a secret named by spec.credentials.secretRef, run by a real `coast controller` process and
/// the real CLI. The token (and the header made of it) never shows in status, events, the controller's logs,
/// `coast get -o yaml`, `coast describe` or the CLI's errors; a wrong token is a clear AuthenticationFailed.
/// </summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class GitHttpSourceTests(PostgresFixture pg) : CliTestBase(pg, "coast-gitops-http"), IDisposable
{
    private readonly string _token = "tok-" + Guid.NewGuid().ToString("N");
    private GitHttpServer? _server;

    private void WriteSecret(string token)
    {
        var dir = Path.Combine(Home, "secrets");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "envs");
        File.WriteAllText(path, $"username=deploy\ntoken={token}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task A_token_from_a_secret_clones_a_private_http_repository_and_never_appears_in_any_output()
    {
        using var repo = new GitTestRepo(Home);
        repo.Write("envs/demo.yaml", Manifests.Project("demo"));
        var first = repo.Commit();
        var root = Path.Combine(Home, "served");
        await ProcessRunner.RunCheckedAsync("git", ["clone", "--quiet", "--bare", repo.Dir, Path.Combine(root, "envs.git")]);
        _server = new GitHttpServer(root, "deploy", _token);
        WriteSecret(_token);
        var logs = new StringBuilder();
        var controller = Coast.StartController();
        Started.Add(controller);
        controller.OutputDataReceived += (_, e) => { lock (logs) logs.AppendLine(e.Data); };
        controller.ErrorDataReceived += (_, e) => { lock (logs) logs.AppendLine(e.Data); };
        controller.BeginOutputReadLine();
        controller.BeginErrorReadLine();

        var add = await Coast.RunAsync("source", "add", "team", "--url", _server.UrlOf("envs.git"), "--path", "envs",
            "--secret-ref", "envs", "--interval", "1h", "--prune");
        add.ExitCode.ShouldBe(0, add.ToString());
        var applied = await Coast.RunAsync("source", "reconcile", "team", "--timeout", "90s");
        applied.ExitCode.ShouldBe(0, applied.ToString());
        applied.Out.ShouldContain($"applied main@sha1:{first}");
        (await Coast.RunAsync("get", "project", "demo", "-p", "demo")).ExitCode.ShouldBe(0);

        // Without the secret's token the same server refuses: the credentials were what let the clone in.
        var refusedBefore = _server.Refused;
        WriteSecret("wrong-" + _token[4..12]);
        repo.Write("envs/api.yaml", Manifests.Project("api"));
        repo.Commit();
        repo.Git("push", "--quiet", Path.Combine(root, "envs.git"), "main");
        var rejected = await Coast.RunAsync("source", "reconcile", "team", "--timeout", "90s");
        rejected.ExitCode.ShouldBe(1, rejected.ToString());
        rejected.Err.ShouldContain("AuthenticationFailed");
        rejected.Err.ShouldContain("spec.credentials.secretRef");
        _server.Refused.ShouldBeGreaterThan(refusedBefore);
        (await Coast.RunAsync("get", "project", "api", "-p", "api")).ExitCode.ShouldNotBe(0);

        var yaml = await Coast.RunAsync("get", "gitsource", "team", "-o", "yaml");
        yaml.ExitCode.ShouldBe(0, yaml.ToString());
        yaml.Out.ShouldContain("secretRef: envs");
        yaml.Out.ShouldContain("AuthenticationFailed");
        yaml.Out.ShouldContain($"lastAppliedRevision: main@sha1:{first}");
        var describe = await Coast.RunAsync("describe", "gitsource", "team");
        describe.ExitCode.ShouldBe(0, describe.ToString());
        describe.Out.ShouldContain("RevisionApplied");

        string everything;
        lock (logs) everything = logs.ToString();
        everything.ShouldNotBeEmpty();
        var json = await Coast.RunAsync("get", "gitsource", "team", "-o", "json");
        foreach (var secret in Secrets(_token).Concat(Secrets("wrong-" + _token[4..12])))
            foreach (var (what, text) in new[] { ("add", add.ToString()), ("reconcile", applied.ToString()), ("failed reconcile", rejected.ToString()),
                         ("get -o yaml", yaml.ToString()), ("get -o json", json.ToString()), ("describe (status and events)", describe.ToString()), ("controller logs", everything) })
                text.ShouldNotContain(secret, Case.Sensitive, $"a secret showed in {what}");
    }

    /// <summary>The token and the Authorization header value made of it.</summary>
    private static string[] Secrets(string token) =>
        [token, Convert.ToBase64String(Encoding.UTF8.GetBytes($"deploy:{token}"))];

    public void Dispose() => _server?.Dispose();
}
