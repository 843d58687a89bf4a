using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Assign;

/// <summary>What one service does when its instance switches worktree, and why (shown by `coast assign --explain`).</summary>
/// <param name="Configured">The action [assign] gives the service (none, hot, restart, rebuild).</param>
/// <param name="Action">What is carried out: a rebuild whose trigger files did not change is a restart.</param>
public sealed record AssignServiceStep(string Service, string Configured, string Action, string Why);

/// <summary>
/// Turns the [assign] table into one step per service: `[assign.services]` first, then `default` (restart when
/// absent); a rebuild happens only when one of the service's `rebuild_triggers` files differs between the old and
/// the new worktree, otherwise it becomes a restart. Pure: the caller says which files changed.
/// </summary>
public static class AssignPlan
{
    public const string None = "none";
    public const string Hot = "hot";
    public const string Restart = "restart";
    public const string Rebuild = "rebuild";

    public static IReadOnlyList<AssignServiceStep> For(AssignSpec assign, IEnumerable<string> services, Func<string, bool> triggerChanged)
    {
        var steps = new List<AssignServiceStep>();
        foreach (var service in services.Distinct().Order(StringComparer.Ordinal))
        {
            var from = assign.Services.TryGetValue(service, out var own) ? "[assign.services]" : "[assign] default";
            var configured = own ?? (string.IsNullOrEmpty(assign.Default) ? Restart : assign.Default);
            steps.Add(configured switch
            {
                None => new(service, configured, None, $"{from} is none: left as it is"),
                Hot => new(service, configured, Hot, $"{from} is hot: the files switch under the running service, no restart"),
                Rebuild => RebuildStep(service, from, assign.RebuildTriggers.GetValueOrDefault(service) ?? [], triggerChanged),
                _ => new(service, configured, Restart, $"{from} is restart"),
            });
        }
        return steps;
    }

    /// <summary>Every trigger file named anywhere in [assign.rebuild_triggers].</summary>
    public static IEnumerable<string> TriggerFiles(AssignSpec assign) => assign.RebuildTriggers.Values.SelectMany(v => v).Distinct();

    private static AssignServiceStep RebuildStep(string service, string from, IReadOnlyList<string> triggers, Func<string, bool> changed)
    {
        if (triggers.Count == 0) return new(service, Rebuild, Rebuild, $"{from} is rebuild and it names no rebuild_triggers");
        var hit = triggers.FirstOrDefault(changed);
        return hit is not null
            ? new(service, Rebuild, Rebuild, $"{from} is rebuild and trigger {hit} changed")
            : new(service, Rebuild, Restart, $"{from} is rebuild but none of its triggers ({string.Join(", ", triggers)}) changed: restart instead");
    }
}
