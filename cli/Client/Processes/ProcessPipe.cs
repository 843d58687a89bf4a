using System.Diagnostics;

namespace Coast.Client.Processes;

/// <summary>Pipes one program's stdout into another's stdin (like `a | b`), without a shell.</summary>
public static class ProcessPipe
{
    public static async Task RunAsync(string producer, IReadOnlyList<string> producerArgs, string consumer,
        IReadOnlyList<string> consumerArgs, CancellationToken ct)
    {
        using var a = Start(producer, producerArgs, redirectIn: false);
        using var b = Start(consumer, consumerArgs, redirectIn: true);
        var aErr = a.StandardError.ReadToEndAsync(ct);
        var bOut = b.StandardOutput.ReadToEndAsync(ct);
        var bErr = b.StandardError.ReadToEndAsync(ct);
        try
        {
            await a.StandardOutput.BaseStream.CopyToAsync(b.StandardInput.BaseStream, 1 << 20, ct);
            b.StandardInput.Close();
            await Task.WhenAll(a.WaitForExitAsync(ct), b.WaitForExitAsync(ct));
        }
        catch
        {
            Kill(a);
            Kill(b);
            throw;
        }
        if (a.ExitCode != 0) throw new ProcessFailedException(Describe(producer, producerArgs), a.ExitCode, (await aErr).Trim());
        if (b.ExitCode != 0) throw new ProcessFailedException(Describe(consumer, consumerArgs), b.ExitCode, ((await bErr) + (await bOut)).Trim());
    }

    private static Process Start(string file, IReadOnlyList<string> args, bool redirectIn)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectIn,
            UseShellExecute = false,
        };
        foreach (var x in args) psi.ArgumentList.Add(x);
        return Process.Start(psi) ?? throw new ProcessFailedException(Describe(file, args), -1, "could not start");
    }

    private static void Kill(Process p)
    {
        try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    private static string Describe(string file, IEnumerable<string> args) => string.Join(' ', args.Prepend(file));
}
