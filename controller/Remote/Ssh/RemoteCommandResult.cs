namespace Coast.Controller.Remote.Ssh;

/// <summary>What a command run on the remote left: its exit code (or the signal that ended it) and its output.</summary>
public sealed record RemoteCommandResult(int ExitCode, string StandardOutput, string StandardError, string? ExitSignal = null);
