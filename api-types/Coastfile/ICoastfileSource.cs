namespace Coast.ApiTypes.Coastfile;

/// <summary>Where Coastfiles are read from; api-types itself does no I/O.</summary>
public interface ICoastfileSource
{
    bool Exists(string path);
    string ReadAllText(string path);
}

/// <summary>The file system.</summary>
public sealed class PhysicalCoastfileSource : ICoastfileSource
{
    public bool Exists(string path) => File.Exists(path);
    public string ReadAllText(string path) => File.ReadAllText(path);
}
