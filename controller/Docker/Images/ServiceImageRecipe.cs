using Coast.ApiTypes.Images;
using System.Security.Cryptography;
using System.Text;

namespace Coast.Controller.Docker.Images;

/// <summary>
/// How to build one of Coast's own service images without a registry: a Dockerfile on Coast's base image plus the
/// files it copies in. The image carries a recipe label (a hash of the base recipe, the Dockerfile and the files),
/// so it is built once and rebuilt only when one of them changes.
/// </summary>
/// <param name="Tag">The image's tag, e.g. <c>coast/postgres:15</c>.</param>
/// <param name="Dockerfile">Built in a context holding <paramref name="Files"/>.</param>
/// <param name="Files">File name to content (scripts get Unix line endings and a final newline).</param>
/// <param name="Building">The progress line shown when a build starts.</param>
public sealed record ServiceImageRecipe(string Tag, string Dockerfile, IReadOnlyDictionary<string, string> Files, string Building)
{
    /// <summary>The recipe label's value for a base image of recipe <paramref name="baseHash"/>.</summary>
    public string RecipeHash(string baseHash)
    {
        var text = new StringBuilder($"{baseHash}|{Dockerfile}");
        foreach (var (_, content) in Files.OrderBy(f => f.Key, StringComparer.Ordinal)) text.Append('|').Append(content);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>Builds the image unless one with this recipe exists (base and runtime images first, via <see cref="RuntimeImageBuilder"/>).</summary>
    public async Task<string> EnsureAsync(string workDir, IProgress<string> progress, CancellationToken ct = default)
    {
        await new RuntimeImageBuilder(workDir).EnsureAsync(progress, ct: ct);
        var hash = RecipeHash(ImageRecipes.BaseRecipeHash(DebianMirror.Find()));
        if (await RuntimeImageBuilder.RecipeOfAsync(Tag, ct) == hash)
        {
            progress.Report($"{Tag} is up to date");
            return Tag;
        }
        var context = Path.Combine(workDir, $"{Tag.Replace('/', '-').Replace(':', '-')}-{hash}");
        Directory.CreateDirectory(context);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), Dockerfile, ct);
            foreach (var (name, content) in Files)
                await File.WriteAllTextAsync(Path.Combine(context, name), content.Replace("\r\n", "\n") + "\n", ct);
            progress.Report(Building);
            await ImageBuild.RunAsync(context, "Dockerfile", Tag, new Dictionary<string, string> { [CoastLabels.ImageRecipe] = hash },
                new Dictionary<string, string>(), progress, ct);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
        return Tag;
    }
}
