using Coast.Client.Database;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// An error that is not the user's input: one line on stderr, the full trace appended to
/// `$COAST_HOME/logs/errors.log` (owner-only, like everything in the Coast home) for a bug report.
/// </summary>
public static class InternalErrors
{
    public static string LogFile => Path.Combine(DatabaseLocator.CoastHome, "logs", "errors.log");

    public static int Report(Exception e, TextWriter err)
    {
        var summary = $"{e.GetType().Name}: {UserErrors.OneLine(e.Message)}";
        try
        {
            var file = Path.Combine(LocalState.PrivateDirectory("logs"), "errors.log");
            using (var writer = new StreamWriter(PrivateFiles.OpenAppend(file)))
                writer.Write($"--- {DateTimeOffset.Now:O} pid {Environment.ProcessId}: coast {Environment.GetCommandLineArgs().Skip(1).FirstOrDefault()}\n{e}\n");
            err.WriteLine($"error: internal error ({summary}); the full trace is in {file}");
        }
        catch (Exception logFailure)
        {
            err.WriteLine($"error: internal error ({summary}); the trace could not be written to {LogFile}: {logFailure.Message}");
        }
        return ExitCodes.Error;
    }
}
