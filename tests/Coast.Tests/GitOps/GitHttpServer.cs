using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coast.Tests.GitOps;

/// <summary>
/// A private git server on loopback: a tiny HTTP server (HttpListener) that asks for basic auth and hands
/// every authorized request to the real `git http-backend` as a CGI program (its headers, then its body).
/// It serves the bare repositories under <see cref="Root"/>; disposing stops it and waits for its requests.
/// </summary>
public sealed class GitHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _authorization;
    private readonly Task _loop;
    private int _refused;

    public GitHttpServer(string root, string user, string password)
    {
        Root = root;
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Root { get; }
    public int Port { get; }
    public string UrlOf(string repo) => $"http://127.0.0.1:{Port}/{repo}";

    /// <summary>Requests answered 401 (no or wrong credentials).</summary>
    public int Refused => Volatile.Read(ref _refused);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try { await ServeAsync(context); }
            catch (Exception e) when (e is IOException or HttpListenerException) { }
            finally { context.Response.Close(); }
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var (request, response) = (context.Request, context.Response);
        if (request.Headers["Authorization"] != _authorization)
        {
            Interlocked.Increment(ref _refused);
            response.StatusCode = 401;
            response.AddHeader("WWW-Authenticate", "Basic realm=\"coast-test\"");
            return;
        }
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        var psi = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var env = psi.Environment;
        env["GIT_PROJECT_ROOT"] = Root;
        env["GIT_HTTP_EXPORT_ALL"] = "1";
        env["REQUEST_METHOD"] = request.HttpMethod;
        env["PATH_INFO"] = request.Url!.AbsolutePath;
        env["QUERY_STRING"] = request.Url.Query.TrimStart('?');
        env["CONTENT_TYPE"] = request.ContentType ?? "";
        env["CONTENT_LENGTH"] = body.Length.ToString();
        env["REMOTE_USER"] = "deploy";
        env["REMOTE_ADDR"] = "127.0.0.1";
        if (request.Headers["Content-Encoding"] is { } encoding) env["HTTP_CONTENT_ENCODING"] = encoding;
        if (request.Headers["Git-Protocol"] is { } protocol) env["GIT_PROTOCOL"] = protocol;
        using var cgi = Process.Start(psi)!;
        var stderr = cgi.StandardError.ReadToEndAsync();
        body.Position = 0;
        await body.CopyToAsync(cgi.StandardInput.BaseStream);
        cgi.StandardInput.Close();
        using var output = new MemoryStream();
        await cgi.StandardOutput.BaseStream.CopyToAsync(output);
        await cgi.WaitForExitAsync();
        await stderr;
        WriteCgiResponse(output.ToArray(), response);
    }

    /// <summary>CGI output: header lines (Status: sets the code), an empty line, the body.</summary>
    private static void WriteCgiResponse(byte[] output, HttpListenerResponse response)
    {
        var text = Encoding.Latin1.GetString(output);
        var (end, skip) = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var crlf and >= 0 ? (crlf, 4) : (text.IndexOf("\n\n", StringComparison.Ordinal), 2);
        if (end < 0) { response.StatusCode = 502; return; }
        foreach (var line in text[..end].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (line[..line.IndexOf(':')].Trim(), line[(line.IndexOf(':') + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) response.StatusCode = int.Parse(value.Split(' ')[0]);
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) response.ContentType = value;
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) response.AddHeader(name, value);
        }
        response.OutputStream.Write(output, end + skip, output.Length - end - skip);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
    }
}
