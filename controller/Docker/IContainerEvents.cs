namespace Coast.Controller.Docker;

/// <summary>Lifecycle events of the Coast-managed containers of the host engine.</summary>
public interface IContainerEvents
{
    /// <summary>Events until cancelled; ends with an exception when the engine's stream fails (the caller reconnects).</summary>
    IAsyncEnumerable<ContainerEvent> EventsAsync(CancellationToken ct);
}
