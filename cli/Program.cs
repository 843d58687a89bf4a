using Coast.Cli;
using Coast.Cli.Infrastructure;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var cli = new CliServices(new StoreConnector(), Console.Out, Console.Error);
return await CoastCli.RunAsync(args, cli, Console.In, cts.Token);
