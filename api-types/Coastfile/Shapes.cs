namespace Coast.ApiTypes.Coastfile;

/// <summary>The expected shape of a Coastfile value, for type and unknown-key checks.</summary>
internal abstract record Shape(string Description);

internal sealed record ScalarShape(Type ClrType, string Name) : Shape(Name);

internal sealed record ListShape(Shape Item, bool SingleAllowed) : Shape($"a list of {Item.Description}" + (SingleAllowed ? $" (or one {Item.Description})" : ""));

internal sealed record TableShape(IReadOnlyDictionary<string, Shape> Fields) : Shape("a table");

internal sealed record MapShape(Shape Value) : Shape($"a table of {Value.Description}");

internal sealed record TableArrayShape(TableShape Item) : Shape("an array of tables ([[...]])");

internal sealed record EitherShape(Shape First, Shape Second) : Shape($"{First.Description} or {Second.Description}");

/// <summary>The Coastfile format (see docs/coastfile.md).</summary>
internal static class CoastfileFormat
{
    public static readonly Shape Str = new ScalarShape(typeof(string), "a string");
    public static readonly Shape Int = new ScalarShape(typeof(long), "an integer");
    public static readonly Shape Bool = new ScalarShape(typeof(bool), "a boolean");
    public static readonly Shape StrList = new ListShape(Str, SingleAllowed: false);
    public static readonly Shape StrOrList = new ListShape(Str, SingleAllowed: true);

    private static TableShape Table(params (string Key, Shape Shape)[] fields) => new(fields.ToDictionary(f => f.Key, f => f.Shape));

    /// <summary>Sections Coasts has that Coast accepts but does not act on yet: they give a warning.</summary>
    public static readonly string[] NotYetImplemented = ["mcp", "mcp_clients", "agent_shell", "shared_service_groups"];

    public static readonly TableShape Root = Table(
        ("coast", Table(
            ("name", Str), ("compose", Str), ("runtime", Str), ("root", Str), ("worktree_dir", StrOrList),
            ("default_worktree_dir", Str), ("autostart", Bool), ("primary_port", Str), ("private_paths", StrList),
            ("extends", Str), ("includes", StrList),
            ("setup", Table(
                ("packages", StrList), ("run", StrOrList),
                ("files", new TableArrayShape(Table(("path", Str), ("content", Str), ("mode", Str)))))))),
        ("ports", new MapShape(Int)),
        ("egress", new MapShape(Int)),
        ("healthcheck", new MapShape(Str)),
        ("services", new MapShape(Table(("command", Str), ("port", Int), ("restart", Str), ("install", StrOrList), ("cache", StrList), ("autostart", Bool), ("env", new MapShape(Str))))),
        ("shared_services", new MapShape(Table(
            ("image", Str), ("ports", new ListShape(new EitherShape(Int, Str), SingleAllowed: false)), ("volumes", StrList),
            ("env", new MapShape(Str)), ("auto_create_db", Bool), ("inject", Str)))),
        ("volumes", new MapShape(Table(("strategy", Str), ("service", Str), ("mount", Str), ("snapshot_source", Str)))),
        ("secrets", new MapShape(Table(("extractor", Str), ("var", Str), ("path", Str), ("run", Str), ("inject", Str), ("ttl", Str), ("params", new MapShape(Str))))),
        ("inject", Table(("env", StrList), ("files", StrList))),
        ("assign", Table(("default", Str), ("services", new MapShape(Str)), ("rebuild_triggers", new MapShape(StrList)), ("exclude_paths", StrList))),
        ("omit", Table(("services", StrList), ("volumes", StrList))),
        ("unset", new MapShape(StrList)),
        ("remote", Table(("workspace_sync", Str))));
}
