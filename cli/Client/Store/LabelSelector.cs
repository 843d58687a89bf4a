namespace Coast.Client.Store;

/// <summary>Equality-based label selector: "a=b,c=d". Every pair must match.</summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public static LabelSelector Parse(string text)
    {
        var pairs = new Dictionary<string, string>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"Label selector '{text}': '{part}' is not key=value.");
            pairs[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        return new LabelSelector(pairs);
    }

    public override string ToString() => string.Join(",", MatchLabels.Select(kv => $"{kv.Key}={kv.Value}"));
}
