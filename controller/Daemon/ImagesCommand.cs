using Coast.ApiTypes.Images;
using Coast.Client.Database;
using Coast.Controller.Docker.Images;

namespace Coast.Daemon;

/// <summary>
/// `coastd images build-runtime [--force]` (the whole of `coast images build-runtime`), `ensure-runtime` (progress
/// lines only, for `coast build`) and `recipe [IMAGE]` (the image, default the runtime image, and its recipe label tab-separated; exit 1 when it is missing).
/// </summary>
public static class ImagesCommand
{
    public static async Task<int> RunAsync(DaemonArgs args, CancellationToken ct)
    {
        switch (args.Word(0, "images command"))
        {
            case "build-runtime":
            {
                var started = DateTime.UtcNow;
                var image = await EnsureAsync(args.Has("--force"), ct);
                Console.WriteLine($"Runtime image {image} ready ({(DateTime.UtcNow - started).TotalSeconds:0}s)");
                return 0;
            }
            case "ensure-runtime":
                await EnsureAsync(false, ct);
                return 0;
            case "recipe":
            {
                var image = args.Words.Count > 1 ? args.Words[1] : ImageRecipes.RuntimeImage;
                if (await RuntimeImageBuilder.RecipeOfAsync(image, ct) is not { } recipe) return 1;
                Console.WriteLine($"{image}\t{recipe}");
                return 0;
            }
            default:
                throw new DaemonUsageException($"unknown images command '{args.Words[0]}'");
        }
    }

    private static Task<string> EnsureAsync(bool force, CancellationToken ct) =>
        new RuntimeImageBuilder(LocalState.PrivateDirectory("images"))
            .EnsureAsync(new SyncProgress(m => Console.WriteLine($"  {m}")), force, ct);

    /// <summary>Reports on the caller's thread, so lines come out in order before the final one.</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
