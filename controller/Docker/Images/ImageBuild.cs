using System.Diagnostics;
using Coast.Controller.Processes;

namespace Coast.Controller.Docker.Images;

/// <summary>`docker build` with the legacy builder (BuildKit is not usable here), reporting step lines as progress.</summary>
public static class ImageBuild
{
    public static async Task RunAsync(string context, string dockerfile, string tag, IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> buildArgs, IProgress<string> progress, CancellationToken ct)
    {
        var args = new List<string> { "build", "-t", tag, "-f", Path.Combine(context, dockerfile) };
        foreach (var (k, v) in CoastLabels.Stamp(labels)) args.AddRange(["--label", $"{k}={v}"]);
        foreach (var (k, v) in buildArgs) args.AddRange(["--build-arg", $"{k}={v}"]);
        args.Add(context);
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOCKER_BUILDKIT"] = "0";
        using var p = Process.Start(psi) ?? throw new ProcessFailedException("docker build", -1, "could not start");
        var tail = new Queue<string>();
        var stderr = p.StandardError.ReadToEndAsync(ct);
        while (await p.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("Step ")) progress.Report($"{tag}: {line}");
            tail.Enqueue(line);
            if (tail.Count > 15) tail.Dequeue();
        }
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new ProcessFailedException($"docker {string.Join(' ', args)}", p.ExitCode, ((await stderr).Trim() + "\n" + string.Join('\n', tail)).Trim());
    }
}
