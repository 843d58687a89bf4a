namespace Coast.ApiTypes.Kinds;

/// <summary>Annotations, spec values, conditions and reasons of a RemoteHost, shared by the CLI and the controller.</summary>
public static class RemoteHostNames
{
    /// <summary>Set by `coast remote test` to a timestamp; the reconciler probes at once and answers in status.lastHandledProbeAt.</summary>
    public const string ProbeRequestedAnnotation = "coast.dev/probe-requested";

    /// <summary>Set by `coast remote setup` to a timestamp; the reconciler checks the agent install and answers in status.lastHandledSetupAt.</summary>
    public const string SetupRequestedAnnotation = "coast.dev/agent-setup-requested";

    public const string AgentManual = "manual";
    public const string AgentManaged = "managed";

    public const string AgentReady = "AgentReady";
    public const string ReverseBinds = "ReverseBinds";

    // Ready reasons
    public const string Connected = "Connected";
    public const string HostKeyNotPinned = "HostKeyNotPinned";
    public const string HostKeyMismatch = "HostKeyMismatch";
    public const string LoginRefused = "LoginRefused";
    public const string Unreachable = "Unreachable";
    public const string DockerUnavailable = "DockerUnavailable";

    // AgentReady reasons
    public const string AgentAnswers = "AgentAnswers";
    public const string AgentNotRunning = "AgentNotRunning";
    public const string AgentInstallFailed = "AgentInstallFailed";
    public const string AgentDistributionMissing = "AgentDistributionMissing";
}
