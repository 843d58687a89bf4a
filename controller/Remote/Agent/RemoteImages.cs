using System.Diagnostics;
using Coast.Client.Processes;

namespace Coast.Controller.Remote.Agent;

/// <summary>
/// No registry anywhere: the images a remote instance needs go over the SSH connection (through the agent forward),
/// and only those whose id differs on the remote engine. One `docker save` stream carries them all, so layers
/// they share are sent once.
/// </summary>
public static class RemoteImages
{
    /// <summary>Sends the images the remote lacks (or has with another id); returns those sent.</summary>
    public static async Task<IReadOnlyList<string>> SendMissingAsync(AgentClient agent, IReadOnlyCollection<string> images, CancellationToken ct)
    {
        var wanted = images.Distinct().ToList();
        if (wanted.Count == 0) return [];
        var remote = await agent.ImageIdsAsync(wanted, ct);
        var missing = new List<string>();
        foreach (var image in wanted)
        {
            var local = await LocalIdAsync(image, ct) ?? throw new InvalidOperationException($"image {image} is not on this machine's engine; run `coast build` first");
            if (remote.GetValueOrDefault(image) != local) missing.Add(image);
        }
        if (missing.Count == 0) return [];
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["save", .. missing]) psi.ArgumentList.Add(a);
        using var save = Process.Start(psi) ?? throw new ProcessFailedException("docker save", -1, "could not start");
        var error = save.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await agent.LoadImagesAsync(save.StandardOutput.BaseStream, ct);
            await save.WaitForExitAsync(ct);
        }
        catch
        {
            try { if (!save.HasExited) save.Kill(); } catch (InvalidOperationException) { }
            throw;
        }
        if (save.ExitCode != 0) throw new ProcessFailedException($"docker save {string.Join(' ', missing)}", save.ExitCode, (await error).Trim());
        return missing;
    }

    private static async Task<string?> LocalIdAsync(string image, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", image], TimeSpan.FromSeconds(30), ct);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }
}
