namespace Coast.Controller.Instances;

/// <summary>Does something answer on a local port (TCP, or an HTTP GET of a path)? Behind an interface so reconcilers are tested without sockets.</summary>
public interface IPortProbe
{
    Task<bool> AnswersAsync(int port, string? httpPath, CancellationToken ct);
}
