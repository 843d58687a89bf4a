namespace Coast.Controller.Docker;

/// <summary>A container of a compose project inside an instance: its id, its compose service (or name), and its state word ("running", "exited", ...).</summary>
public sealed record InnerContainer(string Id, string Service, string State);

/// <summary>What an inner container is doing: status, exit code, restarting, a start error, and when its current run started.</summary>
public sealed record InnerContainerState(string Status, long ExitCode, bool Restarting, string? Error, DateTimeOffset? StartedAt);
