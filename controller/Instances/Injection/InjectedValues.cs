namespace Coast.Controller.Instances.Injection;

/// <summary>A file put into an instance: its name under /coast/inject/files (what compose services mount) and its path inside.</summary>
public sealed record InjectedFile(string Name, string Target, string Content);

/// <summary>
/// What an instance's services get on top of their own config: env values (secrets with env:NAME, [inject] env)
/// and files (secrets with file:/path, [inject] files), in clear, in memory only. <see cref="Fingerprint"/> is a keyed
/// digest of all of it (null when there is nothing), mixed into the compose hash so a changed value is applied.
/// </summary>
public sealed record InjectedValues(IReadOnlyDictionary<string, string> Env, IReadOnlyList<InjectedFile> Files, string? Fingerprint)
{
    public static InjectedValues None { get; } = new(new Dictionary<string, string>(), [], null);

    public bool IsEmpty => Env.Count == 0 && Files.Count == 0;

    /// <summary>The env as a dotenv file for compose (--env-file): single-quoted, so compose neither interpolates nor unescapes beyond \\ and \'.</summary>
    public string EnvFileLines() => string.Concat(Env.OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => $"{kv.Key}='{kv.Value.Replace("\\", "\\\\").Replace("'", "\\'")}'\n"));
}
