using Coast.Tests.Infrastructure;
using System.Diagnostics;
using Coast.Client.Processes;
using Coast.Controller.Remote.Ssh;
using Xunit.Abstractions;
using static Coast.Tests.Remote.RemoteProbes;

namespace Coast.Tests.Remote;

/// <summary>scripts/remote-testhost.sh itself: a host of its own, brought up with a container and a session, then taken down.</summary>
[Collection("remote")]
[Trait("Category", Category.Remote)]
public sealed class RemoteTestHostTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Down_leaves_no_netns_veth_mount_process_cgroup_or_state()
    {
        var name = RemoteTestHost.NewName("down");
        var sw = Stopwatch.StartNew();
        var host = await RemoteTestHost.UpAsync(name);
        var upSeconds = sw.Elapsed.TotalSeconds;
        List<(int Pid, long Start)> pids;
        string veth;
        try
        {
            await TinyImage.LoadIntoAsync(host);
            var run = await host.DockerAsync("run", "-d", "--label", $"coast.test={name}", TinyImage.Tag, "/usr/bin/socat", "TCP-LISTEN:9,fork", "PIPE");
            run.ExitCode.ShouldBe(0, run.StandardError);
            var pin = await host.HostKeyFromFileAsync();
            await using var ssh = await SshConnection.OpenAsync(host.Target, pin);
            (await ssh.RunAsync(["true"])).ExitCode.ShouldBe(0);

            pids = TrackedPids(name).Select(p => (p, StartTime(p))).ToList();
            // sshd, its session, dockerd, containerd, the shim and the container's socat at least.
            pids.Count.ShouldBeGreaterThanOrEqualTo(6, string.Join(",", pids.Select(p => $"{p.Pid}:{Comm(p.Pid)}")));
            var hostSide = host.Address[..host.Address.LastIndexOf('.')] + ".1/30";
            veth = (await ProcessRunner.RunCheckedAsync("ip", ["-4", "-o", "addr", "show"])).StandardOutput
                .Split('\n').Single(l => l.Contains($"inet {hostSide} ")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

            sw.Restart();
            var down = await host.RunScriptAsync("down");
            down.ExitCode.ShouldBe(0, down.StandardError);
            output.WriteLine($"up {upSeconds:F2} s, down {sw.Elapsed.TotalSeconds:F2} s (with one container and one ssh session)");
        }
        catch
        {
            await host.RunScriptAsync("down");
            throw;
        }

        (await ProcessRunner.RunAsync("ip", ["netns", "list"])).StandardOutput.ShouldNotContain(host.Netns);
        (await ProcessRunner.RunAsync("ip", ["link", "show", veth])).ExitCode.ShouldNotBe(0, $"veth {veth} is gone");
        File.ReadAllText("/proc/self/mounts").ShouldNotContain(name);
        // A pid counts as the same process only with the same start time (pids get reused).
        pids.Where(p => Running(p.Pid) && StartTime(p.Pid) == p.Start).Select(p => $"{p.Pid}:{Comm(p.Pid)}")
            .ShouldBeEmpty("every process the host ran has exited");
        CgroupDirs(name).ShouldBeEmpty();
        Directory.Exists(host.StateDir).ShouldBeFalse();
        Directory.Exists($"/run/coast-th-{name}").ShouldBeFalse();

        // Safe to run again when nothing is up; status says nothing is up.
        (await RemoteTestHost.RunScriptAsync("down", name)).ExitCode.ShouldBe(0);
        (await RemoteTestHost.RunScriptAsync("status", name)).ExitCode.ShouldBe(3);
    }

    [Fact]
    public async Task A_bad_name_is_a_one_line_error_and_creates_nothing()
    {
        var r = await RemoteTestHost.RunScriptAsync("up", "Bad_Name");
        r.ExitCode.ShouldBe(2);
        r.StandardOutput.ShouldBeEmpty();
        r.StandardError.Trim().ShouldBe("remote-testhost: --name must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit (got 'Bad_Name')");
        Directory.Exists("/run/coast-th-Bad_Name").ShouldBeFalse();
    }

    /// <summary>Every pid in the host's tracking cgroup tree (cgroup v1 pids controller here).</summary>
    private static List<int> TrackedPids(string name)
    {
        var root = $"/sys/fs/cgroup/pids/coast-th-{name}";
        if (!Directory.Exists(root)) root = $"/sys/fs/cgroup/coast-th-{name}";
        return Directory.EnumerateFiles(root, "cgroup.procs", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(int.Parse).Distinct().ToList();
    }

    private static List<string> CgroupDirs(string name) =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' '))
            .Where(f => f[2] is "cgroup" or "cgroup2").Select(f => Path.Combine(f[1], $"coast-th-{name}"))
            .Where(Directory.Exists).ToList();

    private static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return "?"; }
    }
}
