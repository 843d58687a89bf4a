namespace Coast.Controller.Docker;

/// <summary>An engine refused an operation (a container that cannot start, say); the message is the engine's own.</summary>
public class ContainerEngineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A container could not start because another program holds one of the host ports it publishes.</summary>
public sealed class HostPortTakenException(string message, Exception? inner = null) : ContainerEngineException(message, inner);
