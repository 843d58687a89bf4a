using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Coast.ApiTypes.Kinds;
using Coast.Controller.Ports;
using Coast.Controller.Remote.Ssh;
using Coast.Controller.Remote.Sync;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coast.Bench;

/// <summary>
/// Remote-mode numbers on a netns test host (scripts/remote-testhost.sh, torn down afterwards): the heal of a forward
/// after its SSH connection is killed (against a cold connect + forward), local write to visible on the remote through
/// the continuous watcher (against a full rsync delta of the same change), bytes sent for a one-line change in a
/// 10,000-file tree, and throughput through the checkout forwarder and the SSH forward (against a direct loopback copy).
/// </summary>
internal static partial class RemoteBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(10);
        var name = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var script = Path.Combine(RepoRoot(), "scripts", "remote-testhost.sh");
        var up = await Run(script, "up", "--name", name);
        var started = new List<Process>();
        try
        {
            var m = UpLine().Match(up.Trim().Split('\n')[^1]);
            if (!m.Success) { Console.Error.WriteLine($"remote-testhost.sh up did not print its line: {up}"); return 1; }
            var target = new SshTarget(m.Groups["user"].Value, m.Groups["addr"].Value, int.Parse(m.Groups["port"].Value), m.Groups["key"].Value);
            var netns = m.Groups["netns"].Value;
            var stateDir = Path.GetDirectoryName(target.IdentityFile)!;
            var pin = await HostKeyReader.ReadAsync(target.Host, target.Port, TimeSpan.FromSeconds(10));
            await using var ssh = await SshConnection.OpenAsync(target, pin);

            await HealAsync(ssh, target, pin, netns, stateDir, started, rounds);
            await SyncAsync(ssh, target, pin, stateDir, name, rounds * 3);
            await ThroughputAsync(ssh, netns, started);
            return 0;
        }
        finally
        {
            foreach (var p in started) { try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); } catch (InvalidOperationException) { } }
            await Run(script, "down", "--name", name);
        }
    }

    /// <summary>Kill the sshd session serving the connection; time until the same local port answers again.</summary>
    private static async Task HealAsync(SshConnection ssh, SshTarget target, HostKeyFingerprint pin, string netns, string stateDir, List<Process> started, int rounds)
    {
        var port = FreePort();
        started.Add(Spawn("ip", "netns", "exec", netns, "socat", $"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr", "EXEC:echo pong"));
        var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", port));
        await UntilAsync(async () => await ReadAsync(forward.BoundPort) == "pong", TimeSpan.FromSeconds(10));
        var sshd = int.Parse(File.ReadAllText(Path.Combine(stateDir, "sshd.pid")).Trim());
        var heals = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var pid in ChildrenOf(sshd)) Process.GetProcessById(pid).Kill();
            if (!await UntilAsync(async () => await ReadAsync(forward.BoundPort) == "pong", TimeSpan.FromSeconds(60)))
            { Console.WriteLine($"heal round {i}: the forward did not answer within 60 s"); return; }
            heals.Add(sw.Elapsed.TotalMilliseconds);
        }
        var colds = new List<double>();
        for (var i = 0; i < Math.Min(rounds, 5); i++)
        {
            var sw = Stopwatch.StartNew();
            await using var fresh = await SshConnection.OpenAsync(target, pin);
            var f = await fresh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", port));
            await UntilAsync(async () => await ReadAsync(f.BoundPort) == "pong", TimeSpan.FromSeconds(10));
            colds.Add(sw.Elapsed.TotalMilliseconds);
        }
        Line("tunnel heal after killed connection", heals, "cold connect + forward + first answer", colds, "target p50 < 2000 ms");
    }

    /// <summary>A 10,000-file tree synced once; then one-line edits timed until the remote file has them.</summary>
    private static async Task SyncAsync(SshConnection ssh, SshTarget target, HostKeyFingerprint pin, string stateDir, string hostName, int rounds)
    {
        var local = Directory.CreateTempSubdirectory("coast-bench-sync-").FullName;
        var remote = Path.Combine(stateDir, "bench-sync"); // on the host's disk: this process can read what arrived
        try
        {
            for (var d = 0; d < 100; d++)
            {
                Directory.CreateDirectory(Path.Combine(local, $"d{d:000}"));
                for (var f = 0; f < 100; f++)
                    File.WriteAllText(Path.Combine(local, $"d{d:000}", $"f{f:000}.txt"), string.Concat(Enumerable.Repeat($"line {d} {f}\n", 20)));
            }
            var spec = new SyncSessionSpec { LocalPath = local, RemotePath = remote, RemoteHost = hostName, Mode = SyncModes.Continuous };
            var transport = await RsyncTransport.PrepareAsync(Path.Combine(stateDir, "bench-rsync"), hostName, target, pin, CancellationToken.None);
            var full = Stopwatch.StartNew();
            var first = await Rsync.RunAsync(spec, transport, TimeSpan.FromMinutes(5), CancellationToken.None);
            Console.WriteLine($"full rsync of 10,000 files: {full.ElapsedMilliseconds} ms, {first.BytesSent} bytes sent ({first.Error ?? "ok"})");

            using var watcher = new SyncWatcher(spec, ssh, () => { }, NullLogger.Instance);
            var lags = new List<double>();
            long bytes = 0;
            for (var i = 0; i < rounds; i++)
            {
                var rel = Path.Combine($"d{i % 100:000}", $"f{i:000}.txt");
                var marker = $"edit {i} {Guid.NewGuid():N}";
                var before = watcher.Counters.BytesTotal;
                var sw = Stopwatch.StartNew();
                File.AppendAllText(Path.Combine(local, rel), marker + "\n");
                if (!await UntilAsync(() => Task.FromResult(ReadRemote(Path.Combine(remote, rel)).Contains(marker)), TimeSpan.FromSeconds(10), 2))
                { Console.WriteLine($"sync round {i}: the edit did not arrive within 10 s"); return; }
                lags.Add(sw.Elapsed.TotalMilliseconds);
                await UntilAsync(() => Task.FromResult(watcher.Counters.BytesTotal > before), TimeSpan.FromSeconds(2));
                bytes = watcher.Counters.BytesTotal - before;
            }
            File.AppendAllText(Path.Combine(local, "d000", "f000.txt"), "one more line\n");
            var deltas = new List<double>();
            var rsyncBytes = 0L;
            for (var i = 0; i < 3; i++)
            {
                File.AppendAllText(Path.Combine(local, "d001", "f001.txt"), $"rsync delta {i}\n");
                var sw = Stopwatch.StartNew();
                var delta = await Rsync.RunAsync(spec, transport, TimeSpan.FromMinutes(5), CancellationToken.None);
                deltas.Add(sw.Elapsed.TotalMilliseconds);
                rsyncBytes = delta.BytesSent;
            }
            Line("local write -> visible on the remote (watcher)", lags, "full rsync delta of the 10,000-file tree", deltas, "target p50 < 300 ms, p99 < 1000 ms");
            Console.WriteLine($"bytes sent for a one-line change in a 10,000-file tree: watcher {bytes}, rsync delta {rsyncBytes}");
        }
        finally
        {
            Directory.Delete(local, recursive: true);
            if (Directory.Exists(remote)) Directory.Delete(remote, recursive: true);
        }
    }

    /// <summary>256 MiB through the checkout forwarder and the SSH forward into a remote sink, against a direct loopback copy.</summary>
    private static async Task ThroughputAsync(SshConnection ssh, string netns, List<Process> started)
    {
        const int mib = 256;
        var remotePort = FreePort();
        started.Add(Spawn("ip", "netns", "exec", netns, "socat", "-u", $"TCP-LISTEN:{remotePort},bind=127.0.0.1,fork,reuseaddr", "OPEN:/dev/null"));
        var localPort = FreePort();
        started.Add(Spawn("socat", "-u", $"TCP-LISTEN:{localPort},bind=127.0.0.1,fork,reuseaddr", "OPEN:/dev/null"));
        var forward = await ssh.ForwardLocalAsync(new LocalForwardSpec("127.0.0.1", remotePort));
        await using var checkout = TcpForwarder.Start(IPAddress.Loopback, 0, new IPEndPoint(IPAddress.Loopback, forward.BoundPort));
        await UntilAsync(async () => await CanConnectAsync(localPort) && await CanConnectAsync(checkout.Port), TimeSpan.FromSeconds(10));
        var direct = await SendAsync(localPort, mib);
        var chain = await SendAsync(checkout.Port, mib);
        Console.WriteLine($"throughput checkout forwarder -> SSH forward -> remote (DinD's docker-proxy hop not included): {mib / chain:0} MiB/s; " +
                          $"direct loopback copy: {mib / direct:0} MiB/s; the chain takes {chain / direct:0.00}x the time");
    }

    private static async Task<double> SendAsync(int port, int mib)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[1 << 20];
        var sw = Stopwatch.StartNew();
        var stream = client.GetStream();
        for (var i = 0; i < mib; i++) await stream.WriteAsync(buffer);
        client.Client.Shutdown(SocketShutdown.Send);
        _ = await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false); // the sink closes once it has read everything
        return sw.Elapsed.TotalSeconds;
    }

    private static void Line(string what, List<double> values, string baseline, List<double> floor, string target)
    {
        var p50 = Stats.Percentile(values, 50);
        var f50 = Stats.Percentile(floor, 50);
        Console.WriteLine($"{what}: p50 {p50:0} ms, p99 {Stats.Percentile(values, 99):0} ms (n={values.Count}); " +
                          $"{baseline}: p50 {f50:0} ms; ratio {p50 / f50:0.00}; {target}");
    }

    private static string ReadRemote(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }

    private static async Task<string?> ReadAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            return (await reader.ReadLineAsync(cts.Token))?.Trim();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException) { return null; }
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        try { using var c = new TcpClient(); await c.ConnectAsync(IPAddress.Loopback, port); return true; }
        catch (SocketException) { return false; }
    }

    private static async Task<bool> UntilAsync(Func<Task<bool>> done, TimeSpan timeout, int everyMs = 10)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await done()) return true;
            await Task.Delay(everyMs);
        }
        return false;
    }

    private static IEnumerable<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => int.TryParse(n, out _)).Select(int.Parse!)
            .Where(c => ParentOf(c) == pid).ToList();

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] == "Z" ? -1 : int.Parse(fields[1]);
        }
        catch (IOException) { return -1; }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Process Spawn(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static async Task<string> Run(string file, params string[] args)
    {
        using var p = Spawn(file, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return await stdout + (p.ExitCode == 0 ? "" : await stderr);
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Coast.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("run from the repository");
        return dir;
    }

    [GeneratedRegex(@"^host=(?<user>[^@\s]+)@(?<addr>[0-9.]+):(?<port>\d+) key=(?<key>\S+) docker=(?<docker>unix:///\S+) netns=(?<netns>\S+)$")]
    private static partial Regex UpLine();
}
