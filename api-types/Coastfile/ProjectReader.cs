using Coast.ApiTypes.Kinds;
using Tomlyn.Model;

namespace Coast.ApiTypes.Coastfile;

/// <summary>Converts a checked, merged Coastfile table into a Project (types were verified by ShapeChecker).</summary>
internal static class ProjectReader
{
    public static Project Read(TomlTable root, string coastfilePath, List<string> problems)
    {
        var file = Path.GetFileName(coastfilePath);
        var coast = Table(root, "coast");
        var name = Str(coast, "name");
        if (string.IsNullOrEmpty(name)) problems.Add($"{file}: [coast] name: required");
        var dir = Path.GetDirectoryName(coastfilePath)!;
        var project = new Project
        {
            Metadata = { Name = name ?? "", Namespace = name ?? "", Labels = { ["coast.dev/coastfile"] = file } },
        };
        var s = project.Spec;
        s.RootDir = Path.GetFullPath(Path.Combine(dir, Str(coast, "root") ?? "."));
        s.Compose = Str(coast, "compose");
        s.Runtime = Str(coast, "runtime") ?? "dind";
        if (coast.ContainsKey("worktree_dir")) s.WorktreeDirs = StrOrList(coast, "worktree_dir");
        s.DefaultWorktreeDir = Str(coast, "default_worktree_dir");
        s.Autostart = coast.TryGetValue("autostart", out var a) ? (bool)a : true;
        s.PrimaryPort = Str(coast, "primary_port");
        s.PrivatePaths = StrOrList(coast, "private_paths");

        var setup = Table(coast, "setup");
        s.Setup.Packages = StrOrList(setup, "packages");
        s.Setup.Run = StrOrList(setup, "run");
        if (setup.TryGetValue("files", out var files) && files is TomlTableArray fileTables)
            s.Setup.Files = fileTables.Select(f => new SetupFile { Path = Str(f, "path") ?? "", Content = Str(f, "content") ?? "", Mode = Str(f, "mode") }).ToList();

        s.Ports = Map(root, "ports", v => (int)(long)v);
        s.Egress = Map(root, "egress", v => (int)(long)v);
        s.Healthchecks = Map(root, "healthcheck", v => (string)v);
        s.Services = Map(root, "services", v => Service((TomlTable)v));
        s.SharedServices = Map(root, "shared_services", v => SharedService((TomlTable)v));
        s.Volumes = Map(root, "volumes", v =>
        {
            var t = (TomlTable)v;
            return new VolumeSpec { Strategy = Str(t, "strategy") ?? "isolated", Service = Str(t, "service") ?? "", Mount = Str(t, "mount") ?? "", SnapshotSource = Str(t, "snapshot_source") };
        });
        s.Secrets = Map(root, "secrets", v =>
        {
            var t = (TomlTable)v;
            var parameters = Map(t, "params", p => (string)p);
            // Each extractor's own key; the older spelling inside params = { ... } is read too.
            return new SecretSpec
            {
                Extractor = Str(t, "extractor") ?? "env", Var = Str(t, "var") ?? parameters.GetValueOrDefault("var"),
                Path = Str(t, "path") ?? parameters.GetValueOrDefault("path"), Run = Str(t, "run") ?? parameters.GetValueOrDefault("run"),
                Inject = Str(t, "inject") ?? "", Ttl = Str(t, "ttl"), Params = parameters,
            };
        });
        var inject = Table(root, "inject");
        s.Inject = new InjectSpec { Env = StrOrList(inject, "env"), Files = StrOrList(inject, "files") };
        var assign = Table(root, "assign");
        s.Assign = new AssignSpec
        {
            Default = Str(assign, "default") ?? "restart",
            Services = Map(assign, "services", v => (string)v),
            RebuildTriggers = Map(assign, "rebuild_triggers", v => ((TomlArray)v).OfType<string>().ToList()),
            ExcludePaths = StrOrList(assign, "exclude_paths"),
        };
        var omit = Table(root, "omit");
        s.Omit = new OmitSpec { Services = StrOrList(omit, "services"), Volumes = StrOrList(omit, "volumes") };
        s.Remote = new RemoteSyncSpec { WorkspaceSync = Str(Table(root, "remote"), "workspace_sync") ?? "rsync" };
        return project;
    }

    private static BareServiceSpec Service(TomlTable t) => new()
    {
        Command = Str(t, "command") ?? "",
        Port = t.TryGetValue("port", out var p) ? (int)(long)p : null,
        Restart = Str(t, "restart") ?? "no",
        Install = StrOrList(t, "install"),
        Cache = StrOrList(t, "cache"),
        Autostart = !t.TryGetValue("autostart", out var a) || a is not bool b || b,
        Env = Map(t, "env", v => (string)v),
    };

    private static SharedServiceDefinition SharedService(TomlTable t) => new()
    {
        Image = Str(t, "image") ?? "",
        Ports = t.TryGetValue("ports", out var p) && p is TomlArray ports ? ports.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture)!).ToList() : [],
        Volumes = StrOrList(t, "volumes"),
        Env = Map(t, "env", v => (string)v),
        AutoCreateDb = t.TryGetValue("auto_create_db", out var b) && (bool)b,
        Inject = Str(t, "inject"),
    };

    private static TomlTable Table(TomlTable t, string key) => t.TryGetValue(key, out var v) && v is TomlTable table ? table : new TomlTable();

    private static string? Str(TomlTable t, string key) => t.TryGetValue(key, out var v) ? v as string : null;

    private static List<string> StrOrList(TomlTable t, string key) => !t.TryGetValue(key, out var v) ? []
        : v is string s ? [s] : ((TomlArray)v).OfType<string>().ToList();

    private static Dictionary<string, T> Map<T>(TomlTable t, string key, Func<object, T> convert) =>
        Table(t, key).ToDictionary(kv => kv.Key, kv => convert(kv.Value));
}
