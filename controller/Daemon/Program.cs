using System.Runtime.InteropServices;
using Coast.Daemon;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
// SIGTERM (`coast daemon stop`, a service manager) stops the controller as cleanly as Ctrl-C.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    cts.Cancel();
});
return await DaemonMain.RunAsync(args, cts.Token);
