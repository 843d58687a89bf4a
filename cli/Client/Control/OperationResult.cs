namespace Coast.Client.Control;

public enum OperationOutcome { Done, NotFound, Failed, TimedOut }

/// <summary>What an operation (checkout, start, stop) came to, and the one line to tell the user.</summary>
public sealed record OperationResult(OperationOutcome Outcome, string Message);
