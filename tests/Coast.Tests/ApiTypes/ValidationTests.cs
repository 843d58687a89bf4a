using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Validation;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.ApiTypes;

[Trait("Category", Category.Unit)]
public sealed class ValidationTests
{
    public static Project RichProject()
    {
        var p = TestResources.Project();
        var s = p.Spec;
        s.PrimaryPort = "web";
        s.Ports["api"] = 8080;
        s.Egress["metrics"] = 9100;
        s.Healthchecks["web"] = "/health";
        s.PrivatePaths.AddRange(["web/.next", "api/target"]);
        s.Services["worker"] = new BareServiceSpec { Command = "npm run worker", Port = 7000, Restart = "on-failure" };
        s.SharedServices["postgres"] = new SharedServiceDefinition { Image = "postgres:16", Ports = ["5432", "5433:5432"], Inject = "env:DATABASE_URL" };
        s.Volumes["data"] = new VolumeSpec { Strategy = "isolated", Service = "api", Mount = "/data", SnapshotSource = "seed" };
        s.Secrets["token"] = new SecretSpec { Extractor = "env", Var = "TOKEN", Inject = "file:/run/secrets/token" };
        s.Assign.Services["api"] = "hot";
        s.Setup.Files.Add(new SetupFile { Path = "/etc/motd", Content = "hi" });
        s.Setup.Packages.Add("curl");
        return p;
    }

    [Fact]
    public void A_rich_valid_resource_of_every_kind_has_no_problems()
    {
        ResourceValidator.Validate(RichProject()).ShouldBeEmpty();
        ResourceValidator.Validate(TestResources.Instance("dev-1")).ShouldBeEmpty();
        ResourceValidator.Validate(TestResources.Checkout(instance: "dev-1")).ShouldBeEmpty();
        ResourceValidator.Validate(new Build { Metadata = { Name = "b1", Namespace = "demo" }, Spec = { Project = "demo", CoastfileHash = "abc123" } }).ShouldBeEmpty();
        ResourceValidator.Validate(ValidHost()).ShouldBeEmpty();
        ResourceValidator.Validate(TestResources.Tunnel()).ShouldBeEmpty();
        ResourceValidator.Validate(TestResources.SyncSession()).ShouldBeEmpty();
    }

    private static RemoteHost ValidHost() => new()
    {
        Metadata = { Name = "box" },
        Spec = { Host = "10.250.1.2", User = "coast", IdentityFile = "/root/.ssh/id_ed25519", HostKey = "SHA256:abc" },
    };

    public static TheoryData<string, Action<Project>> ProjectRules => new()
    {
        { "metadata.name", p => p.Metadata.Name = "Bad_Name" },
        { "metadata.name", p => p.Metadata.Name = "" },
        { "metadata.namespace", p => p.Metadata.Namespace = "-x" },
        { "metadata.labels.team", p => p.Metadata.Labels["team"] = "has space" },
        { "metadata.labels.bad key", p => p.Metadata.Labels["bad key"] = "v" },
        { "apiVersion", p => p.ApiVersion = "v1" },
        { "spec.rootDir", p => p.Spec.RootDir = "relative/dir" },
        { "spec.runtime", p => p.Spec.Runtime = "podman" },
        { "spec.compose", p => p.Spec.Compose = "../outside.yml" },
        { "spec.ports.web", p => p.Spec.Ports["web"] = 70000 },
        { "spec.ports.Web", p => p.Spec.Ports["Web"] = 4000 },
        { "spec.ports.api", p => p.Spec.Ports["api"] = 3000 },
        { "spec.primaryPort", p => p.Spec.PrimaryPort = "nope" },
        { "spec.egress.metrics", p => p.Spec.Egress["metrics"] = 0 },
        { "spec.healthchecks.web", p => p.Spec.Healthchecks["web"] = "health" },
        { "spec.healthchecks.ghost", p => p.Spec.Healthchecks["ghost"] = "/x" },
        { "spec.privatePaths[2]", p => p.Spec.PrivatePaths.Add("/abs") },
        { "spec.privatePaths[2]", p => p.Spec.PrivatePaths.Add("web/../etc") },
        { "spec.privatePaths[2]", p => p.Spec.PrivatePaths.Add("web/.next/cache") },
        { "spec.privatePaths[2]", p => p.Spec.PrivatePaths.Add("") },
        { "spec.services.worker.command", p => p.Spec.Services["worker"].Command = "" },
        { "spec.services.worker.restart", p => p.Spec.Services["worker"].Restart = "sometimes" },
        { "spec.services.worker.port", p => p.Spec.Services["worker"].Port = -1 },
        { "spec.sharedServices.postgres.image", p => p.Spec.SharedServices["postgres"].Image = "" },
        { "spec.sharedServices.postgres.ports[1]", p => p.Spec.SharedServices["postgres"].Ports[1] = "5433:abc" },
        { "spec.sharedServices.postgres.inject", p => p.Spec.SharedServices["postgres"].Inject = "DATABASE_URL" },
        { "spec.volumes.data.strategy", p => p.Spec.Volumes["data"].Strategy = "copied" },
        { "spec.volumes.data.service", p => p.Spec.Volumes["data"].Service = "" },
        { "spec.volumes.data.mount", p => p.Spec.Volumes["data"].Mount = "data" },
        { "spec.volumes.data.snapshotSource", p => p.Spec.Volumes["data"].Strategy = "shared" },
        { "spec.secrets.token.extractor", p => p.Spec.Secrets["token"].Extractor = "vault" },
        { "spec.secrets.token.inject", p => p.Spec.Secrets["token"].Inject = "file:relative" },
        { "spec.assign.default", p => p.Spec.Assign.Default = "reboot" },
        { "spec.assign.services.api", p => p.Spec.Assign.Services["api"] = "sometimes" },
        { "spec.remote.workspaceSync", p => p.Spec.Remote.WorkspaceSync = "scp" },
        { "spec.setup.files[0].path", p => p.Spec.Setup.Files[0].Path = "etc/motd" },
        { "spec.setup.packages[0]", p => p.Spec.Setup.Packages[0] = "--force-yes" },
    };

    [Theory]
    [MemberData(nameof(ProjectRules))]
    public void Each_project_rule_reports_its_field_path(string path, Action<Project> breakIt)
    {
        var project = RichProject();
        breakIt(project);
        var errors = ResourceValidator.Validate(project);
        errors.ShouldContain(e => e.Path == path, $"expected a problem at {path}, got: {string.Join("; ", errors)}");
        errors.First(e => e.Path == path).ToString().ShouldStartWith(path + ": ");
    }

    public static TheoryData<string, Func<Resource>> OtherRules => new()
    {
        { "spec.project", () => { var i = TestResources.Instance("a"); i.Spec.Project = "other"; return i; } },
        { "spec.project", () => { var i = TestResources.Instance("a"); i.Spec.Project = ""; return i; } },
        { "spec.state", () => { var i = TestResources.Instance("a"); i.Spec.State = "Paused"; return i; } },
        { "spec.remoteHost", () => { var i = TestResources.Instance("a"); i.Spec.RemoteHost = "Bad Host"; return i; } },
        { "spec.worktree", () => { var i = TestResources.Instance("a"); i.Spec.Worktree = "../../etc"; return i; } },
        { "spec.worktree", () => { var i = TestResources.Instance("a"); i.Spec.Worktree = "--upload-pack=x"; return i; } },
        { "spec.remoteServices", () => { var i = TestResources.Instance("a"); i.Spec.RemoteServices.Add("db"); return i; } },
        { "spec.instance", () => TestResources.Checkout(instance: "Not_Valid") },
        { "spec.project", () => { var c = TestResources.Checkout(); c.Spec.Project = "x"; return c; } },
        { "spec.coastfileHash", () => new Build { Metadata = { Name = "b", Namespace = "demo" }, Spec = { Project = "demo", CoastfileHash = "XYZ" } } },
        { "metadata.namespace", () => { var h = ValidHost(); h.Metadata.Namespace = "demo"; return h; } },
        { "spec.host", () => { var h = ValidHost(); h.Spec.Host = "-oProxyCommand=x"; return h; } },
        { "spec.host", () => { var h = ValidHost(); h.Spec.Host = ""; return h; } },
        { "spec.port", () => { var h = ValidHost(); h.Spec.Port = 0; return h; } },
        { "spec.user", () => { var h = ValidHost(); h.Spec.User = "a b"; return h; } },
        { "spec.identityFile", () => { var h = ValidHost(); h.Spec.IdentityFile = "id_rsa"; return h; } },
        { "spec.hostKey", () => { var h = ValidHost(); h.Spec.HostKey = "MD5:aa"; return h; } },
        { "spec.syncStrategy", () => { var h = ValidHost(); h.Spec.SyncStrategy = "ftp"; return h; } },
        { "spec.remoteHost", () => { var t = TestResources.Tunnel(); t.Spec.RemoteHost = ""; return t; } },
        { "spec.project", () => { var t = TestResources.Tunnel(); t.Spec.Project = "other"; return t; } },
        { "spec.forwards[0].name", () => { var t = TestResources.Tunnel(); t.Spec.Forwards[0].Name = "Web"; return t; } },
        { "spec.forwards[1].name", () => { var t = TestResources.Tunnel(); t.Spec.Forwards[1].Name = "web"; return t; } },
        { "spec.forwards[0].remotePort", () => { var t = TestResources.Tunnel(); t.Spec.Forwards[0].RemotePort = 0; return t; } },
        { "spec.forwards[1].localPort", () => { var t = TestResources.Tunnel(); t.Spec.Forwards[1].LocalPort = 70000; return t; } },
        { "spec.forwards[1].localPort", () => { var t = TestResources.Tunnel(); t.Spec.Forwards[0].LocalPort = 25001; return t; } },
        { "spec.forwards[0].remoteAddress", () => { var t = TestResources.Tunnel(); t.Spec.Forwards[0].RemoteAddress = "-x"; return t; } },
        { "spec.reverseBinds[0].localPort", () => { var t = TestResources.Tunnel(); t.Spec.ReverseBinds[0].LocalPort = 0; return t; } },
        { "spec.reverseBinds[0].bindAddress", () => { var t = TestResources.Tunnel(); t.Spec.ReverseBinds[0].BindAddress = ""; return t; } },
        { "spec.reverseBinds[1].remotePort", () => { var t = TestResources.Tunnel(); t.Spec.ReverseBinds.Add(new TunnelReverseBind { Name = "redis", RemotePort = 25432, LocalPort = 6379 }); return t; } },
        { "spec.localPath", () => { var s = TestResources.SyncSession(); s.Spec.LocalPath = "relative"; return s; } },
        { "spec.remotePath", () => { var s = TestResources.SyncSession(); s.Spec.RemotePath = "/"; return s; } },
        { "spec.remotePath", () => { var s = TestResources.SyncSession(); s.Spec.RemotePath = "/data/../etc"; return s; } },
        { "spec.excludes[6]", () => { var s = TestResources.SyncSession(); s.Spec.Excludes.Add(""); return s; } },
        { "spec.protect[0]", () => { var s = TestResources.SyncSession(); s.Spec.Protect[0] = "a\nb"; return s; } },
        { "spec.mode", () => { var s = TestResources.SyncSession(); s.Spec.Mode = "mutagen"; return s; } },
        { "spec.engine", () => { var s = TestResources.SyncSession(); s.Spec.Engine = "unison"; return s; } },
        { "spec.rsyncPath", () => { var s = TestResources.SyncSession(); s.Spec.RsyncPath = "--daemon"; return s; } },
        { "spec.remoteHost", () => { var s = TestResources.SyncSession(); s.Spec.RemoteHost = "Box"; return s; } },
    };

    [Theory]
    [MemberData(nameof(OtherRules))]
    public void Each_rule_of_the_other_kinds_reports_its_field_path(string path, Func<Resource> make)
    {
        var errors = ResourceValidator.Validate(make());
        errors.ShouldContain(e => e.Path == path, $"expected a problem at {path}, got: {string.Join("; ", errors)}");
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var p = RichProject();
        p.Spec.Runtime = "podman";
        p.Spec.PrivatePaths.Add("/abs");
        p.Spec.PrimaryPort = "nope";
        ResourceValidator.Validate(p).Count.ShouldBeGreaterThanOrEqualTo(3);
    }
}
