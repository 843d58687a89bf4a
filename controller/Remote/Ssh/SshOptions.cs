namespace Coast.Controller.Remote.Ssh;

/// <summary>Timing of one SSH connection. The defaults are what the controller uses.</summary>
public sealed record SshOptions
{
    /// <summary>An SSH keep-alive every 30 s: NAT boxes and firewalls keep the flow, and a dead peer shows up as a send error.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>TCP connect plus key exchange plus login.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff between failed reconnect attempts: this, doubled each time, capped at <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the supervisor looks at the connection besides reacting to SSH.NET's error event.</summary>
    public TimeSpan LivenessCheckInterval { get; init; } = TimeSpan.FromSeconds(1);
}
