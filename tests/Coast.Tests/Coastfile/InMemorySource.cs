using Coast.ApiTypes.Coastfile;

namespace Coast.Tests.Coastfile;

/// <summary>Coastfiles held in memory under /p, for focused parser tests.</summary>
public sealed class InMemorySource : ICoastfileSource
{
    private readonly Dictionary<string, string> _files = new();

    public InMemorySource With(string name, string text)
    {
        _files[Path.Combine("/p", name)] = text;
        return this;
    }

    public bool Exists(string path) => _files.ContainsKey(path);
    public string ReadAllText(string path) => _files[path];

    public static CoastfileResult Load(string coastfile, IReadOnlyDictionary<string, string?>? env = null, InMemorySource? extra = null)
    {
        var source = extra ?? new InMemorySource();
        source.With("Coastfile", coastfile);
        return CoastfileLoader.Load("/p/Coastfile", source, env ?? new Dictionary<string, string?>());
    }
}
