using Docker.DotNet;

namespace Coast.Controller.Docker;

/// <summary>Image look-ups shared by the host engine and the engines inside instances.</summary>
public static class ImageLookup
{
    /// <summary>The id of the image a tag names now, or null when the engine has none.</summary>
    public static async Task<string?> IdOrNullAsync(this IImageOperations images, string image, CancellationToken ct)
    {
        try
        {
            return (await images.InspectImageAsync(image, ct)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }
}
