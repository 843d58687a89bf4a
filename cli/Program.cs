using Coast.Cli;
using Coast.Cli.Infrastructure;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var connector = new StoreConnector();
// Commands that read or write resources start opening the database at once, on another core
// (`checkout`, `start` and `stop` first ask the controller over its socket, which needs no database client).
string[] storeVerbs = ["apply", "get", "describe", "delete", "wait", "run", "ls", "ps", "ports", "rm", "build", "logs", "exec"];
if (args.Length > 0 && storeVerbs.Contains(args[0]) && !args.Contains("--help") && !args.Contains("-h") && !args.Contains("--dry-run"))
{
    try { connector.WarmUp(); }
    catch (Exception) { /* only a head start: the command itself opens the store and reports what is wrong */ }
}
var cli = new CliServices(connector, Console.Out, Console.Error);
return await CoastCli.RunAsync(args, cli, Console.In, cts.Token);
