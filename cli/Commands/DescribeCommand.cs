using System.CommandLine;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>`coast describe KIND NAME`: spec, status, conditions and the controller's recent events.</summary>
public static class DescribeCommand
{
    public static Command Create(CliServices cli)
    {
        var kind = CommonOptions.Kind();
        var name = new Argument<string>("name") { Description = "Resource name." };
        var project = CommonOptions.Project();
        var command = new Command("describe", "Show one resource in detail, with its conditions and recent events.") { kind, name, project };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var info = CommonOptions.ResolveKind(parse.GetValue(kind)!);
            var store = await cli.StoreAsync(token);
            var resource = await ProjectScope.FindAsync(store, info, parse.GetValue(name)!, parse.GetValue(project), token);
            var events = await (await cli.EventsAsync(token)).ListAsync(resource.Key, 20, token);
            Write(cli.Out, resource, events, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static void Write(TextWriter o, Resource r, IReadOnlyList<ResourceEvent> events, DateTimeOffset now)
    {
        var m = r.Metadata;
        o.WriteLine($"Name:          {m.Name}");
        if (!string.IsNullOrEmpty(m.Namespace)) o.WriteLine($"Project:       {m.Namespace}");
        o.WriteLine($"Kind:          {r.Kind}");
        o.WriteLine($"API Version:   {r.ApiVersion}");
        o.WriteLine($"UID:           {m.Uid}");
        o.WriteLine($"Created:       {m.CreationTimestamp:u} ({Age.Format(m.CreationTimestamp, now)} ago)");
        if (m.DeletionTimestamp is not null) o.WriteLine($"Deleting since: {m.DeletionTimestamp:u}");
        o.WriteLine($"Generation:    {m.Generation} (observed {r.StatusObject.ObservedGeneration})");
        o.WriteLine($"Labels:        {Pairs(m.Labels)}");
        o.WriteLine($"Annotations:   {Pairs(m.Annotations)}");
        o.WriteLine($"Finalizers:    {(m.Finalizers.Count == 0 ? "<none>" : string.Join(", ", m.Finalizers))}");
        if (m.OwnerReferences.Count > 0)
            o.WriteLine($"Owners:        {string.Join(", ", m.OwnerReferences.Select(x => $"{x.Kind}/{x.Name}"))}");
        o.WriteLine($"Phase:         {r.StatusObject.Phase ?? "-"}");
        o.WriteLine("Spec:");
        WriteIndented(o, SpecAndStatusYaml(r, "spec"));
        o.WriteLine("Status:");
        WriteIndented(o, SpecAndStatusYaml(r, "status"));
        o.WriteLine("Conditions:");
        if (r.StatusObject.Conditions.Count == 0) o.WriteLine("  <none>");
        else TableWriter.Write(new IndentedWriter(o), ["TYPE", "STATUS", "REASON", "AGE", "MESSAGE"],
            r.StatusObject.Conditions.Select(c => (IReadOnlyList<string>)[c.Type, c.Status, c.Reason, Age.Format(c.LastTransitionTime, now), c.Message]));
        o.WriteLine("Events:");
        if (events.Count == 0) o.WriteLine("  <none>");
        else TableWriter.Write(new IndentedWriter(o), ["TYPE", "REASON", "AGE", "COUNT", "MESSAGE"],
            events.Select(e => (IReadOnlyList<string>)[e.Type, e.Reason, Age.Format(e.Time, now), e.Count.ToString(), e.Message]));
    }

    private static string Pairs(Dictionary<string, string> d) =>
        d.Count == 0 ? "<none>" : string.Join(", ", d.Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>The spec or status section of the resource's YAML, without the conditions (shown as a table).</summary>
    private static string SpecAndStatusYaml(Resource r, string section)
    {
        var copy = ResourceJson.Deserialize(ResourceJson.Serialize(r));
        copy.StatusObject.Conditions.Clear();
        var yaml = ResourceYaml.Serialize(copy).Split('\n');
        var start = Array.FindIndex(yaml, l => l == $"{section}:");
        if (start < 0) return "<none>";
        var body = yaml.Skip(start + 1).TakeWhile(l => l.StartsWith(' ') || l.Length == 0).Where(l => l.Trim() != "conditions: []");
        var text = string.Join("\n", body).TrimEnd();
        return text.Length == 0 ? "  <none>" : text;
    }

    private static void WriteIndented(TextWriter o, string block)
    {
        foreach (var line in block.Split('\n')) o.WriteLine(line.StartsWith("  ") ? line : "  " + line);
    }

    /// <summary>Indents every line written through it by two spaces.</summary>
    private sealed class IndentedWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;
        public override void WriteLine(string? value) => inner.WriteLine("  " + value);
        public override void Write(char value) => inner.Write(value);
    }
}
