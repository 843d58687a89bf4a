using System.Diagnostics;

namespace Coast.Tests.Remote;

/// <summary>
/// A TCP server on the remote test host: socat started in its network namespace (`ip netns exec`),
/// either answering each connection with a token or echoing what it reads. Stopped by its pid.
/// </summary>
public sealed class RemoteListener : IDisposable
{
    private readonly Process _process;

    private RemoteListener(Process process, int port, string token)
    {
        _process = process;
        Port = port;
        Token = token;
    }

    public int Port { get; }
    public string Token { get; }

    /// <summary>Listens on 127.0.0.1:port inside the namespace; <paramref name="echo"/> copies input back instead of writing the token.</summary>
    public static async Task<RemoteListener> StartAsync(RemoteTestHost host, bool echo = false)
    {
        var port = 40000 + Random.Shared.Next(8000);
        var token = "remote-" + Guid.NewGuid().ToString("N")[..8];
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "netns", "exec", host.Netns, "socat", $"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr",
                     echo ? "EXEC:/bin/cat" : $"SYSTEM:echo {token}" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var listener = new RemoteListener(process, port, token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var ss = await Coast.Client.Processes.ProcessRunner.RunAsync("ip", ["netns", "exec", host.Netns, "ss", "-Htln", $"sport = :{port}"]);
            if (ss.StandardOutput.Contains($":{port}")) return listener;
            if (process.HasExited) break;
            await Task.Delay(50);
        }
        listener.Dispose();
        throw new InvalidOperationException($"socat did not listen on {port} in {host.Netns}: {process.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
