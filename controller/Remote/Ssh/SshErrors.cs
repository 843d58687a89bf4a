namespace Coast.Controller.Remote.Ssh;

/// <summary>The server presented a host key other than the pinned one. Never retried: it needs a person.</summary>
public sealed class HostKeyMismatchException(SshTarget target, HostKeyFingerprint pinned, HostKeyFingerprint presented)
    : Exception($"host key of {target} changed: pinned {pinned}, server presented {presented}; refusing to connect. " +
                "If the change is expected (the host was reinstalled or rekeyed), pin the new key again with " +
                $"--accept-host-key {presented}")
{
    public HostKeyFingerprint Pinned { get; } = pinned;
    public HostKeyFingerprint Presented { get; } = presented;
}

/// <summary>Connecting failed for a reason worth a one-line message (unreachable, refused, auth, bad key file).</summary>
public sealed class SshConnectException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when retrying cannot help (login refused, unreadable key); false for network trouble.</summary>
    public bool Permanent { get; } = permanent;
}
