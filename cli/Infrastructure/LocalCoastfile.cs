using Coast.ApiTypes.Coastfile;
using Tomlyn;
using Tomlyn.Model;

namespace Coast.Cli.Infrastructure;

/// <summary>Reads just the project name from ./Coastfile, to default -p without a full load.</summary>
public static class LocalCoastfile
{
    public static string? ProjectName(string dir)
    {
        var path = Path.Combine(dir, "Coastfile");
        if (!File.Exists(path)) return null;
        try
        {
            var model = CoastfileToml.Parse(File.ReadAllText(path));
            return model.TryGetValue("coast", out var coast) && coast is TomlTable table && table.TryGetValue("name", out var name)
                ? name as string
                : null;
        }
        catch (TomlException)
        {
            return null; // a broken Coastfile is reported by the commands that load it fully
        }
    }
}
