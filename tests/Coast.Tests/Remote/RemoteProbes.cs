using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coast.Tests.Remote;

/// <summary>Small helpers for the remote tests: TCP reads, a local token server, /proc look-ups.</summary>
public static class RemoteProbes
{
    /// <summary>Connects to 127.0.0.1:port and reads until the server closes; null when nothing answers.</summary>
    public static async Task<string?> ReadLocalAsync(int port, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            var text = await reader.ReadToEndAsync(limit.Token);
            return text.Length == 0 ? null : text.Trim();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A loopback server that writes a token to each connection and closes it.</summary>
    public sealed class TokenServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public TokenServer(string token)
        {
            Token = token;
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var c = await _listener.AcceptTcpClientAsync(_stop.Token);
                        await c.GetStream().WriteAsync(Encoding.UTF8.GetBytes(token + "\n"), _stop.Token);
                    }
                    catch (Exception) when (_stop.IsCancellationRequested) { return; }
                    catch (Exception e) when (e is SocketException or IOException) { }
                }
            });
        }

        public string Token { get; }
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    /// <summary>Kills each process that is still there (an sshd session may end on its own between listing and kill).</summary>
    public static void KillEach(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        }
    }

    /// <summary>Live (non-zombie) children of a process, from /proc.</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child)) continue;
            var stat = Stat(child);
            if (stat is { } s && s.Ppid == pid && s.State != 'Z') children.Add(child);
        }
        return children;
    }

    public static bool Running(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>The process's start time in clock ticks since boot (with the pid, it names one process); -1 when gone.</summary>
    public static long StartTime(int pid) => Stat(pid)?.Start ?? -1;

    private static (char State, int Ppid, long Start)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after "(comm)": state is field 3 of the line, ppid 4, starttime 22.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]), long.Parse(fields[19]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
