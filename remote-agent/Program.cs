using Coast.RemoteAgent;

// The remote agent: a loopback-only control plane on a remote machine (see docs/remote.md).
var options = AgentOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}
await using var app = AgentHost.Build(options);
await app.StartAsync();
// One line a launcher can wait for (the port matters with --port 0).
Console.WriteLine($"coast-agent {AgentHost.Version} listening on 127.0.0.1:{AgentHost.BoundPort(app)}, home {options.Home}");
await app.WaitForShutdownAsync();
return 0;
