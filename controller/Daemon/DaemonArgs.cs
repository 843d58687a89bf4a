namespace Coast.Daemon;

/// <summary>
/// coastd's command line: words, then `--name value` options and `--flag`s, then anything after `--`. The `coast`
/// CLI is coastd's only normal caller and has already checked what the user typed, so this stays small.
/// </summary>
public sealed class DaemonArgs
{
    private readonly Dictionary<string, string?> _options = new();

    public DaemonArgs(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { Rest = args.Skip(i + 1).ToList(); break; }
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Words.Add(a); continue; }
            if (flags.Contains(a)) { _options[a] = null; continue; }
            if (i + 1 >= args.Count) throw new DaemonUsageException($"option {a} needs a value");
            _options[a] = args[++i];
        }
    }

    public List<string> Words { get; } = new();
    public IReadOnlyList<string> Rest { get; private set; } = [];

    public string? Get(string name) => _options.GetValueOrDefault(name);
    public bool Has(string name) => _options.ContainsKey(name);

    public string Word(int index, string what) =>
        index < Words.Count ? Words[index] : throw new DaemonUsageException($"missing {what}");
}

/// <summary>A wrong coastd command line: exit code 2.</summary>
public sealed class DaemonUsageException(string message) : Exception(message);

/// <summary>An error to print as one line (exit code 1), without a stack trace.</summary>
public sealed class DaemonException(string message) : Exception(message);
