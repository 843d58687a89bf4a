using System.CommandLine;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast get KIND [NAME]`: lists or shows resources as a table, YAML or JSON; -w keeps watching.</summary>
public static class GetCommand
{
    public static Command Create(CliServices cli)
    {
        var kind = CommonOptions.Kind();
        var name = new Argument<string?>("name") { Description = "Resource name (all when omitted).", Arity = ArgumentArity.ZeroOrOne };
        var project = CommonOptions.Project();
        var allProjects = new Option<bool>("--all-projects", "-A") { Description = "List across every project." };
        var output = new Option<string>("--output", "-o") { Description = "table, wide, yaml or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "wide", "yaml", "json");
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. app=web,tier=db." };
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, print changes as they happen (Ctrl-C to stop)." };

        var command = new Command("get", "Show resources: a table by default, or YAML/JSON with -o.")
        {
            kind, name, project, allProjects, output, selector, watch,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var info = CommonOptions.ResolveKind(parse.GetValue(kind)!);
            var store = await cli.StoreAsync(token);
            var query = new Query(info, parse.GetValue(name), parse.GetValue(allProjects) ? null : ProjectScope.Default(parse.GetValue(project)),
                parse.GetValue(selector) is { } s ? ParseSelector(s) : null);
            var format = parse.GetValue(output)!;
            var items = await query.RunAsync(store, token);
            if (query.Name is not null && items.Count == 0)
                throw new CliException($"{info.Kind} '{query.Name}' not found{(query.Project is null ? "" : $" in project '{query.Project}'")}.", ExitCodes.NotFound);
            Print(cli.Out, info, items, format, header: true);
            if (!parse.GetValue(watch)) return ExitCodes.Ok;

            await foreach (var key in store.WatchAsync(token))
            {
                if (key.Kind != info.Kind) continue;
                var changed = (await query.RunAsync(store, token)).Where(r => r.Key == key).ToList();
                if (changed.Count > 0) Print(cli.Out, info, changed, format, header: false);
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static LabelSelector ParseSelector(string text)
    {
        try { return LabelSelector.Parse(text); }
        catch (FormatException e) { throw new CliException($"{e.Message} Example: -l app=web,tier=db", ExitCodes.Usage); }
    }

    private sealed record Query(KindInfo Kind, string? Name, string? Project, LabelSelector? Selector)
    {
        public async Task<IReadOnlyList<Resource>> RunAsync(IResourceStore store, CancellationToken ct)
        {
            var items = await store.ListAsync(Kind.Kind, Kind.Namespaced ? Project : null, Selector, ct);
            return items.Where(r => Name is null || r.Metadata.Name == Name)
                .OrderBy(r => r.Metadata.Namespace).ThenBy(r => r.Metadata.Name).ToList();
        }
    }

    public static void Print(TextWriter output, KindInfo kind, IReadOnlyList<Resource> items, string format, bool header)
    {
        switch (format)
        {
            case "yaml":
                if (!header) output.WriteLine("---");
                output.Write(items.Count == 1 ? ResourceYaml.Serialize(items[0]) : ResourceYaml.SerializeAll(items));
                break;
            case "json":
                output.WriteLine(items.Count == 1
                    ? ResourceJson.Serialize(items[0], indented: true)
                    : "[" + string.Join(",\n", items.Select(i => ResourceJson.Serialize(i, indented: true))) + "]");
                break;
            default:
                if (items.Count == 0 && header)
                {
                    output.WriteLine($"No {kind.Plural} found.");
                    return;
                }
                var columns = ResourceColumns.For(kind, DateTimeOffset.UtcNow).Where(c => format == "wide" || !c.WideOnly).ToList();
                var rows = items.Select(r => (IReadOnlyList<string>)columns.Select(c => c.Value(r)).ToList());
                if (header) TableWriter.Write(output, columns.Select(c => c.Header).ToList(), rows);
                else foreach (var row in rows) output.WriteLine(string.Join("   ", row));
                break;
        }
    }
}
