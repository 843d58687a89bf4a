using Coast.Client.Store;

namespace Coast.Cli.Infrastructure;

/// <summary>Runs a command body and turns known failures into one-line messages and exit codes; anything
/// else is an internal error: one line, with the full trace in the Coast home's error log.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body(ct);
        }
        catch (CliException e)
        {
            Fail(e.Message);
            return e.ExitCode;
        }
        catch (ConflictException e)
        {
            Fail(e.Message);
            return ExitCodes.Conflict;
        }
        catch (NotFoundException e)
        {
            Fail(e.Message);
            return ExitCodes.NotFound;
        }
        catch (StoreException e)
        {
            Fail(e.Message);
            return ExitCodes.Error;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Fail("interrupted");
            return 130;
        }
        catch (Exception e) when (UserErrors.TryDescribe(e, out var lines))
        {
            foreach (var line in lines) Fail(line);
            return ExitCodes.Error;
        }
        catch (Exception e)
        {
            return InternalErrors.Report(e, Console.Error);
        }
    }

    /// <summary>Writes one error line to stderr.</summary>
    public static void Fail(string message) => Console.Error.WriteLine($"error: {message}");
}
