using Coast.Client.Control;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// Runs an operation through the running controller's control socket when one answers there (its store is
/// warm, so the command is about 0.15 s faster), or in this process otherwise. Both write the same desired
/// state with the same code.
/// </summary>
public static class ControllerFirst
{
    public static async Task<OperationResult> RunAsync(ControlRequest request, Func<Task<OperationResult>> inProcess, CancellationToken ct) =>
        await ControlClient.TrySendAsync(DaemonFiles.ForCurrentDatabase().SocketPath, request, ct) is { } reply
            ? new OperationResult(reply.Outcome, reply.Message)
            : await inProcess();

    /// <summary>Prints a successful result and returns exit code 0; any other outcome is a CliException with its exit code.</summary>
    public static int Report(CliServices cli, OperationResult result)
    {
        switch (result.Outcome)
        {
            case OperationOutcome.Done:
                cli.Out.WriteLine(result.Message);
                return ExitCodes.Ok;
            case OperationOutcome.NotFound:
                throw new CliException(result.Message, ExitCodes.NotFound);
            case OperationOutcome.TimedOut:
                throw new CliException(result.Message, ExitCodes.Timeout);
            default:
                throw new CliException(result.Message);
        }
    }
}
