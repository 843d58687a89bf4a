namespace Coast.Cli.Infrastructure;

/// <summary>Prints the last lines of a log file and optionally follows it.</summary>
public static class LogTail
{
    public static async Task WriteAsync(string path, int lines, bool follow, TextWriter output, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var last = new Queue<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            last.Enqueue(line);
            if (last.Count > lines) last.Dequeue();
        }
        foreach (var line in last) output.WriteLine(line);
        while (follow && !ct.IsCancellationRequested)
        {
            if (await reader.ReadLineAsync(ct) is { } line) output.WriteLine(line);
            else await Task.Delay(200, ct);
        }
    }
}
