using Coast.ApiTypes.Compose;
using Coast.Client.Database;
using Coast.Client.Processes;
using Npgsql;

namespace Coast.Daemon;

/// <summary>
/// `coastd COMMAND`: run (the controller in the foreground), schema ensure, images build-runtime|ensure-runtime|recipe,
/// remote exec|logs|ps. Reads the same environment as `coast` (COAST_DATABASE_URL, COAST_SCHEMA, COAST_HOME).
/// </summary>
public static class DaemonMain
{
    public const string Usage =
        "usage: coastd run [--pid-file F] [--log-file F] [--control-socket S]\n" +
        "       coastd schema ensure\n" +
        "       coastd images build-runtime [--force] | ensure-runtime | recipe [IMAGE]\n" +
        "       coastd remote exec PROJECT NAME [--service S] -- COMMAND... | logs PROJECT NAME [--service S] [--tail N] [--follow] | ps PROJECT NAME";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "run" => await RunCommand.RunAsync(new DaemonArgs(args[1..], new HashSet<string>()), ct),
                "schema" when args.ElementAtOrDefault(1) == "ensure" => await SchemaCommand.EnsureAsync(ct),
                "images" => await ImagesCommand.RunAsync(new DaemonArgs(args[1..], new HashSet<string> { "--force" }), ct),
                "remote" => await RemoteShellCommand.RunAsync(new DaemonArgs(args[1..], new HashSet<string> { "--follow" }), ct),
                _ => throw new DaemonUsageException(args.Length == 0 ? "missing command" : $"unknown command '{string.Join(' ', args.Take(2))}'"),
            };
        }
        catch (DaemonUsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}\n{Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is DaemonException or PostgresUnavailableException or ProcessFailedException or ComposeException
                                      or NpgsqlException and not PostgresException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
