using Coast.ApiTypes.Images;
using System.Security.Cryptography;
using System.Text;

namespace Coast.Controller.Docker.Images;

/// <summary>
/// A Redis image for shared services without a registry: Debian's redis-server (7.0) on Coast's base image,
/// listening on all addresses without protected mode (it is reached only on the project's shared network and
/// the host ports the Coastfile names), data in /data (append-only file, so a volume there keeps it). Built once
/// and reused while its recipe label matches.
/// </summary>
public static class RedisImage
{
    public const string Tag = "coast/redis:7";

    public const string Dockerfile = """
        FROM coast/base:bookworm
        RUN apt-get update \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
         && rm -rf /var/lib/apt/lists/* \
         && mkdir -p /data && chown redis:redis /data
        WORKDIR /data
        EXPOSE 6379
        ENTRYPOINT ["runuser", "-u", "redis", "--", "redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data", "--appendonly", "yes"]
        """;

    public static string RecipeHash(string baseHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{baseHash}|{Dockerfile}")))[..16];

    /// <summary>Builds the image unless one with this recipe exists (base and runtime images first, via <see cref="RuntimeImageBuilder"/>).</summary>
    public static async Task<string> EnsureAsync(string workDir, IProgress<string> progress, CancellationToken ct = default)
    {
        await new RuntimeImageBuilder(workDir).EnsureAsync(progress, ct: ct);
        var hash = RecipeHash(ImageRecipes.BaseRecipeHash(DebianMirror.Find()));
        if (await RuntimeImageBuilder.RecipeOfAsync(Tag, ct) == hash)
        {
            progress.Report($"{Tag} is up to date");
            return Tag;
        }
        var context = Path.Combine(workDir, $"redis-{hash}");
        Directory.CreateDirectory(context);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), Dockerfile, ct);
            progress.Report($"building {Tag} (Debian redis-server)");
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
