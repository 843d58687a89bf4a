using Coast.ApiTypes.Images;
using Coast.Client.Processes;

namespace Coast.Controller.Docker.Images;

/// <summary>
/// Builds the offline base and DinD runtime images when missing or when their recipe changed
/// (recorded in the coast.dev/image-recipe label). Progress goes to the given reporter.
/// </summary>
public sealed class RuntimeImageBuilder(string workDir)
{
    public async Task<string> EnsureAsync(IProgress<string> progress, bool force = false, CancellationToken ct = default)
    {
        var mirror = DebianMirror.Find();
        var baseHash = ImageRecipes.BaseRecipeHash(mirror);
        if (force || await RecipeOfAsync(ImageRecipes.BaseImage, ct) != baseHash)
            await BuildBaseAsync(mirror, baseHash, progress, ct);
        else progress.Report($"{ImageRecipes.BaseImage} is up to date");

        var runtimeHash = ImageRecipes.RuntimeRecipeHash(baseHash);
        if (force || await RecipeOfAsync(ImageRecipes.RuntimeImage, ct) != runtimeHash)
            await BuildRuntimeAsync(runtimeHash, progress, ct);
        else progress.Report($"{ImageRecipes.RuntimeImage} is up to date");
        return ImageRecipes.RuntimeImage;
    }

    /// <summary>The recipe label of a local image, or null when the image is absent.</summary>
    public static async Task<string?> RecipeOfAsync(string image, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync("docker",
            ["image", "inspect", "--format", $"{{{{index .Config.Labels \"{CoastLabels.ImageRecipe}\"}}}}", image], ct: ct);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }

    private async Task BuildBaseAsync(string mirror, string hash, IProgress<string> progress, CancellationToken ct)
    {
        var rootfs = Path.Combine(workDir, $"rootfs-{hash}");
        if (Directory.Exists(rootfs)) Directory.Delete(rootfs, recursive: true);
        Directory.CreateDirectory(workDir);
        progress.Report($"debootstrap {ImageRecipes.Suite} (minbase + {string.Join(", ", ImageRecipes.BasePackages)}) from {mirror}; about a minute");
        try
        {
            await ProcessRunner.RunCheckedAsync("debootstrap",
                ["--variant=minbase", $"--include={string.Join(',', ImageRecipes.BasePackages)}", ImageRecipes.Suite, rootfs, mirror],
                TimeSpan.FromMinutes(15), ct);
            progress.Report($"importing {ImageRecipes.BaseImage}");
            await ProcessPipe.RunAsync("tar", ["-C", rootfs, "-c", "."],
                "docker", ["import", "--change", $"LABEL {CoastLabels.ImageRecipe}={hash}", "-", ImageRecipes.BaseImage], ct);
        }
        finally
        {
            if (Directory.Exists(rootfs)) await ProcessRunner.RunAsync("rm", ["-rf", "--one-file-system", rootfs], ct: CancellationToken.None);
        }
    }

    private async Task BuildRuntimeAsync(string hash, IProgress<string> progress, CancellationToken ct)
    {
        var context = Path.Combine(workDir, $"runtime-{hash}");
        Directory.CreateDirectory(context);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), ImageRecipes.RuntimeDockerfileText, ct);
            await File.WriteAllTextAsync(Path.Combine(context, "coast-entrypoint"), ImageRecipes.Entrypoint.Replace("\r\n", "\n") + "\n", ct);
            progress.Report($"building {ImageRecipes.RuntimeImage} ({string.Join(", ", ImageRecipes.RuntimePackages)}); a few minutes");
            await ImageBuild.RunAsync(context, "Dockerfile", ImageRecipes.RuntimeImage,
                new Dictionary<string, string> { [CoastLabels.ImageRecipe] = hash }, new Dictionary<string, string>(), progress, ct);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
