namespace Coast.Controller.Docker;

/// <summary>Reaches the inner engine published at an endpoint (a unix socket path): on this host, or one a remote agent serves.</summary>
public interface IInnerEngineFactory
{
    IInnerEngine Connect(string socketPath);
}
