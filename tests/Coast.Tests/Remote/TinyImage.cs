using Coast.Client.Processes;

namespace Coast.Tests.Remote;

/// <summary>
/// A few-megabyte image for the remote engine, made from this machine's own socat, sh and cat plus the
/// libraries ldd names: no registry exists, and this needs neither debootstrap nor the host engine's images.
/// </summary>
public static class TinyImage
{
    public const string Tag = "coast-test/tiny:1";
    private static readonly string[] Binaries = ["/usr/bin/socat", "/bin/sh", "/bin/cat"];

    public static async Task LoadIntoAsync(RemoteTestHost host)
    {
        var rootfs = Path.Combine(Path.GetTempPath(), $"coast-tiny-{host.Name}");
        try
        {
            foreach (var binary in Binaries)
            {
                var real = Path.GetFullPath(new FileInfo(binary).ResolveLinkTarget(true)?.FullName ?? binary);
                Copy(real, rootfs + binary);
                var ldd = await ProcessRunner.RunCheckedAsync("ldd", [real]);
                foreach (var lib in ldd.StandardOutput.Split(' ', '\t', '\n').Where(w => w.StartsWith('/')))
                    Copy(lib, rootfs + lib);
            }
            await ProcessPipe.RunAsync("tar", ["-C", rootfs, "-c", "."],
                "docker", ["-H", host.DockerHost, "import", "-", Tag], CancellationToken.None);
        }
        finally
        {
            if (Directory.Exists(rootfs)) Directory.Delete(rootfs, recursive: true);
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        // Copy the target of a symlinked library under the name the loader asks for.
        var source = new FileInfo(from).ResolveLinkTarget(true)?.FullName ?? from;
        File.Copy(source, to, overwrite: true);
        File.SetUnixFileMode(to, File.GetUnixFileMode(source));
    }
}
