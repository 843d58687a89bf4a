using System.CommandLine;
using Coast.Cli.Commands;
using Coast.Cli.Infrastructure;

namespace Coast.Cli;

/// <summary>Builds the `coast` command tree and runs it; usage errors exit 2.</summary>
public static class CoastCli
{
    public static RootCommand Build(CliServices cli, TextReader stdin)
    {
        var root = new RootCommand(
            "coast: an isolated, fully running copy of your dev stack per git worktree.\n" +
            "Desired state lives in PostgreSQL; the controller converges containers, ports and tunnels to it.")
        {
            ApplyCommand.Create(cli, stdin),
            GetCommand.Create(cli),
            DescribeCommand.Create(cli),
            DeleteCommand.Create(cli),
            WaitCommand.Create(cli),
        };
        foreach (var extra in ExtraCommands.Create(cli)) root.Add(extra);
        foreach (var secret in SecretCommands.Create(cli, stdin)) root.Add(secret);
        return root;
    }

    /// <summary>Never lets an exception out: a stack trace is not an error message (issue 7.5).</summary>
    public static async Task<int> RunAsync(string[] args, CliServices cli, TextReader stdin, CancellationToken ct)
    {
        try
        {
            var root = Build(cli, stdin);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                // One line each (the parser's own messages may list choices on several lines).
                foreach (var e in parse.Errors.Select(e => string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))).Distinct())
                    cli.Err.WriteLine($"error: {e}");
                cli.Err.WriteLine("Run `coast --help` (or `coast COMMAND --help`) for usage.");
                return ExitCodes.Usage;
            }
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = cli.Out, Error = cli.Err, EnableDefaultExceptionHandler = false,
            }, ct);
        }
        catch (CliException e)
        {
            cli.Err.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (UserErrors.TryDescribe(e, out var lines))
        {
            foreach (var line in lines) cli.Err.WriteLine($"error: {line}");
            return ExitCodes.Error;
        }
        catch (Exception e)
        {
            return InternalErrors.Report(e, cli.Err);
        }
    }
}
