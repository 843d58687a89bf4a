using Coast.ApiTypes.Coastfile;
using Coast.ApiTypes.Serialization;
using Coast.Client.Database;
using Coast.Client.Processes;
using Npgsql;
using Coast.ApiTypes.Compose;

namespace Coast.Cli.Infrastructure;

/// <summary>
/// Recognises exceptions that describe bad input (manifests, Coastfiles, compose files, flags) or a failed
/// outside operation (a tool, the database, a port) rather than a bug: each becomes one line per problem,
/// without a stack trace. Everything else is an internal error (<see cref="InternalErrors"/>).
/// </summary>
public static class UserErrors
{
    public static bool TryDescribe(Exception e, out IReadOnlyList<string> lines)
    {
        lines = e switch
        {
            ManifestProblemsException m => m.Problems,
            CoastfileException c => c.Problems,
            ManifestException m => m.Problems,
            ComposeException or PostgresUnavailableException => [e.Message],
            ProcessFailedException p => [OneLine(p.Message)],
            NpgsqlException n when n is not PostgresException => [$"cannot reach the database: {OneLine(n.Message)} (`coast db status` shows which one is used)"],
            // Not FileNotFoundException: a missing assembly is one too, and that is a fault, not input.
            UnauthorizedAccessException => [e.Message],
            _ => [],
        };
        return lines.Count > 0;
    }

    /// <summary>The first line of a message (tools' stderr can run to many lines).</summary>
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length <= 1 ? message.Trim() : $"{lines[0]} ({lines.Length - 1} more line(s))";
    }
}
