namespace Coast.Controller.Runtime;

/// <summary>Decides which controller process may reconcile. Controllers work only while they hold a lease.</summary>
public interface ILeaderElector
{
    /// <summary>Waits until this process leads; the returned token is cancelled when leadership is lost.</summary>
    Task<CancellationToken> AcquireAsync(CancellationToken ct);

    bool IsLeader { get; }
}

/// <summary>For a single process (and unit tests): always the leader.</summary>
public sealed class AlwaysLeader : ILeaderElector
{
    public Task<CancellationToken> AcquireAsync(CancellationToken ct) => Task.FromResult(CancellationToken.None);
    public bool IsLeader => true;
}
