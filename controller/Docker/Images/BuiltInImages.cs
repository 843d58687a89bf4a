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

/// <summary>The real catalogue: <see cref="PostgresImage"/>, built under the Coast home's private images dir.</summary>
public sealed class BuiltInImages : IBuiltInImages
{
    public bool Knows(string image) => image == PostgresImage.Tag;

    public async Task EnsureAsync(string image, CancellationToken ct)
    {
        if (image != PostgresImage.Tag) throw new ArgumentException($"{image} is not one of Coast's own images", nameof(image));
        await PostgresImage.EnsureAsync(Coast.Client.Database.LocalState.PrivateDirectory("images"), new Progress<string>(_ => { }), ct);
    }
}
