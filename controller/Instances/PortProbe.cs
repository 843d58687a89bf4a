using System.Net.Sockets;

namespace Coast.Controller.Instances;

/// <summary>Is something answering on a local port? TCP connect with a 500 ms timeout, or an HTTP GET when a path is set.</summary>
public sealed class PortProbe : IPortProbe
{
    public async Task<bool> AnswersAsync(int port, string? httpPath, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            if (httpPath is null)
            {
                timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, timeout.Token);
                // A published port accepts even when nothing listens behind it; a real server keeps the
                // connection open, docker-proxy with no backend closes it at once.
                var stream = client.GetStream();
                var buffer = new byte[1];
                var read = stream.ReadAsync(buffer, timeout.Token).AsTask();
                var closedQuickly = await Task.WhenAny(read, Task.Delay(100, ct)) == read && read.Result == 0;
                return !closedQuickly;
            }
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var http = new HttpClient();
            var response = await http.GetAsync($"http://127.0.0.1:{port}{httpPath}", timeout.Token);
            return (int)response.StatusCode < 500;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or HttpRequestException or IOException)
        {
            if (ct.IsCancellationRequested) throw;
            return false;
        }
    }
}
