using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Coastfile;

/// <summary>A loaded Coastfile: the Project, warnings to show, and a hash of every file read (in order).</summary>
public sealed record CoastfileResult(Project Project, IReadOnlyList<string> Warnings, string ContentHash);
