namespace Coast.ApiTypes.Model;

/// <summary>Condition list helpers with Kubernetes semantics.</summary>
public static class Conditions
{
    /// <summary>
    /// Sets a condition; LastTransitionTime changes only when Status flips. Returns true when anything changed.
    /// </summary>
    public static bool Set(List<Condition> conditions, string type, string status, string reason, string message,
        long observedGeneration, DateTimeOffset now)
    {
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(new Condition
            {
                Type = type, Status = status, Reason = reason, Message = message,
                ObservedGeneration = observedGeneration, LastTransitionTime = now,
            });
            return true;
        }
        var changed = existing.Status != status || existing.Reason != reason || existing.Message != message
            || existing.ObservedGeneration != observedGeneration;
        if (existing.Status != status) existing.LastTransitionTime = now;
        (existing.Status, existing.Reason, existing.Message, existing.ObservedGeneration) = (status, reason, message, observedGeneration);
        return changed;
    }

    public static Condition? Get(IEnumerable<Condition> conditions, string type) => conditions.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IEnumerable<Condition> conditions, string type) => Get(conditions, type)?.Status == ConditionStatus.True;
}
