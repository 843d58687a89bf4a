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

    public static readonly ServiceImageRecipe Recipe = new(Tag, Dockerfile, new Dictionary<string, string>(), $"building {Tag} (Debian redis-server)");

    /// <summary>Builds the image unless one with this recipe exists.</summary>
    public static Task<string> EnsureAsync(string workDir, IProgress<string> progress, CancellationToken ct = default) =>
        Recipe.EnsureAsync(workDir, progress, ct);
}
