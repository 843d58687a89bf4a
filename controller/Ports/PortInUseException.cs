namespace Coast.Controller.Ports;

/// <summary>A canonical port could not be bound because another program holds it.</summary>
public sealed class PortInUseException(int port, string detail) : Exception($"port {port} is in use by another program ({detail})")
{
    public int Port { get; } = port;
}
