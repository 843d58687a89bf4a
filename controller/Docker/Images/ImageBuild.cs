using System.Diagnostics;
using Coast.Client.Processes;

namespace Coast.Controller.Docker.Images;

/// <summary>
/// `docker build` with the legacy builder (BuildKit is not usable here), reporting step lines as progress.
/// A failed build leaves nothing behind: --force-rm removes the failing step's container (the legacy builder
/// keeps it otherwise) and the dangling image of the last finished step is removed; a cancelled build is killed.
/// </summary>
public static class ImageBuild
{
    public static async Task RunAsync(string context, string dockerfile, string tag, IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> buildArgs, IProgress<string> progress, CancellationToken ct)
    {
        var args = new List<string> { "build", "--force-rm", "-t", tag, "-f", Path.Combine(context, dockerfile) };
        foreach (var (k, v) in CoastLabels.Stamp(labels)) args.AddRange(["--label", $"{k}={v}"]);
        foreach (var (k, v) in buildArgs) args.AddRange(["--build-arg", $"{k}={v}"]);
        args.Add(context);
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOCKER_BUILDKIT"] = "0";
        using var p = Process.Start(psi) ?? throw new ProcessFailedException("docker build", -1, "could not start");
        var output = new BuildOutput();
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            while (await p.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("Step ")) progress.Report($"{tag}: {line}");
                output.Add(line);
            }
            await p.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // The daemon stops the build when its client goes away.
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        if (p.ExitCode == 0) return;
        var error = BuildOutput.ErrorLine(await stderr) ?? $"docker build exited with code {p.ExitCode}";
        if (output.LastImage is { } dangling) await RemoveIfDanglingAsync(dangling);
        throw new ImageBuildException(tag, output.Step, error, output.StepOutput);
    }

    /// <summary>Removes the image of the last finished step (and its untagged parents) when nothing tags or uses it.</summary>
    private static async Task RemoveIfDanglingAsync(string image)
    {
        var tags = await ProcessRunner.RunAsync("docker", ["image", "inspect", "-f", "{{len .RepoTags}}", image], TimeSpan.FromSeconds(30));
        // A tagged image (e.g. the FROM image when the first step after it failed) is never ours to remove;
        // an image with children fails `rmi` without -f, which is what we want.
        if (tags.ExitCode == 0 && tags.StandardOutput.Trim() == "0")
            await ProcessRunner.RunAsync("docker", ["rmi", image], TimeSpan.FromSeconds(60));
    }
}
