using System.CommandLine;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;

namespace Coast.Cli.Commands;

/// <summary>`coast wait KIND NAME --for condition=Ready|delete [--timeout]`.</summary>
public static class WaitCommand
{
    public static Command Create(CliServices cli)
    {
        var kind = CommonOptions.Kind();
        var name = new Argument<string>("name") { Description = "Resource name." };
        var project = CommonOptions.Project();
        var forOption = new Option<string>("--for")
        {
            Description = "condition=TYPE (waits for status True), condition=TYPE=False, or delete.",
            Required = true,
        };
        var timeout = CommonOptions.Timeout(TimeSpan.FromSeconds(60));
        var command = new Command("wait", "Wait until a resource has a condition, or is deleted. Exit code 5 on timeout.")
        {
            kind, name, project, forOption, timeout,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var info = CommonOptions.ResolveKind(parse.GetValue(kind)!);
            var target = ParseFor(parse.GetValue(forOption)!);
            var store = await cli.StoreAsync(token);
            var resource = await ProjectScope.FindAsync(store, info, parse.GetValue(name)!, parse.GetValue(project), token);
            var label = $"{info.Kind.ToLowerInvariant()}/{resource.Metadata.Name}";
            await cli.EnsureControllerAsync(token);
            await StatusWaiter.WaitAsync(store, resource.Key, target.IsMet, parse.GetValue(timeout), token, target.Describe);
            cli.Out.WriteLine(target.Condition is null ? $"{label} deleted" : $"{label} condition met");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private sealed record Target(string? Condition, string Status)
    {
        public bool IsMet(Resource? r) => Condition is null
            ? r is null
            : r is not null && r.StatusObject.Conditions.Any(c => c.Type == Condition && c.Status == Status
                && c.ObservedGeneration >= r.Metadata.Generation);

        public string Describe(Resource? r)
        {
            if (r is null) return "resource is gone";
            if (Condition is null) return "still present";
            var c = r.StatusObject.Conditions.FirstOrDefault(x => x.Type == Condition);
            return c is null ? $"no {Condition} condition yet" : $"{Condition}={c.Status} ({c.Reason}: {c.Message})";
        }
    }

    private static Target ParseFor(string text)
    {
        if (text == "delete") return new Target(null, "");
        var parts = text.Split('=');
        if (parts.Length is < 2 or > 3 || parts[0] != "condition" || parts[1].Length == 0)
            throw new CliException($"--for '{text}': expected condition=TYPE, condition=TYPE=STATUS or delete.", ExitCodes.Usage);
        return new Target(parts[1], parts.Length == 3 ? parts[2] : ConditionStatus.True);
    }
}
