namespace Coast.RemoteAgent;

/// <summary>
/// How the agent runs: always on 127.0.0.1 (it is reached only through the controller's SSH
/// connection, never from the network), on <see cref="DefaultPort"/> unless told otherwise, with its
/// state (SQLite database, workspaces) in <see cref="Home"/>.
/// </summary>
public sealed record AgentOptions(int Port, string Home)
{
    public const int DefaultPort = 31420;

    public string DatabasePath => Path.Combine(Home, "agent.db");

    /// <summary>Where a remote instance's workspace is synced: &lt;home&gt;/workspaces/&lt;project&gt;/&lt;instance&gt;.</summary>
    public string WorkspaceOf(string project, string instance) => Path.Combine(WorkspacesRoot, project, instance);

    /// <summary>The directory holding every instance's workspace (reported by GET /v1/version so the controller syncs into it).</summary>
    public string WorkspacesRoot => Path.Combine(Home, "workspaces");

    /// <summary>Parses `--port N` and `--home DIR`; anything else is a usage error (message, no exception).</summary>
    public static AgentOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var port = DefaultPort;
        var home = Environment.GetEnvironmentVariable("COAST_AGENT_HOME") is { Length: > 0 } h
            ? h
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".coast-agent");
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--port" when int.TryParse(value, out var p) && p is >= 0 and <= 65535:
                    port = p; i++; break;
                case "--home" when !string.IsNullOrWhiteSpace(value):
                    home = Path.GetFullPath(value); i++; break;
                default:
                    error = $"coast-agent: unknown or incomplete argument '{args[i]}' (usage: coast-agent [--port N] [--home DIR])";
                    return null;
            }
        }
        error = null;
        return new AgentOptions(port, home);
    }
}
