namespace Coast.Controller.Docker.Images;

/// <summary>
/// The images Coast makes itself from Debian packages (no registry is reachable): a shared service that names one
/// gets it built on first use instead of an ImageMissing error.
/// </summary>
public interface IBuiltInImages
{
    bool Knows(string image);

    /// <summary>Builds <paramref name="image"/> unless a current one exists (about a minute the first time).</summary>
    Task EnsureAsync(string image, CancellationToken ct);
}

/// <summary>The real catalogue: <see cref="PostgresImage"/> and <see cref="RedisImage"/>, built under the Coast home's private images dir.</summary>
public sealed class BuiltInImages : IBuiltInImages
{
    /// <summary>The tags Coast can build, with how to build each.</summary>
    public static readonly IReadOnlyDictionary<string, ServiceImageRecipe> Catalogue =
        new[] { PostgresImage.Recipe, RedisImage.Recipe }.ToDictionary(r => r.Tag);

    public bool Knows(string image) => Catalogue.ContainsKey(image);

    public async Task EnsureAsync(string image, CancellationToken ct)
    {
        if (!Catalogue.TryGetValue(image, out var recipe)) throw new ArgumentException($"{image} is not one of Coast's own images", nameof(image));
        await recipe.EnsureAsync(Coast.Client.Database.LocalState.PrivateDirectory("images"), new Progress<string>(_ => { }), ct);
    }
}
