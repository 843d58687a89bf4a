using Microsoft.Extensions.Hosting;

// The remote agent: a loopback-only control plane on a remote machine. Its API arrives with the
// remote-instances issue; for now it is an empty host so the layout and build are in place.
var builder = Host.CreateApplicationBuilder(args);
using var host = builder.Build();
await host.RunAsync();
