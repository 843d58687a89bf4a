using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coast.Controller.Runtime;

/// <summary>
/// Leader election with a session-level Postgres advisory lock held on a dedicated connection. When the
/// leader dies its connection closes, Postgres releases the lock, and a waiting controller takes it
/// within one retry interval. A lost connection means lost leadership: the lease token is cancelled.
/// </summary>
public sealed class PostgresLeaderElector(string connectionString, string lockName, ILogger<PostgresLeaderElector> log)
    : BackgroundService, ILeaderElector
{
    private readonly object _gate = new();
    private TaskCompletionSource<CancellationToken> _lease = NewLease();

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);
    public bool IsLeader { get; private set; }

    public long LockKey { get; } = StableHash(lockName);

    /// <summary>Shown in pg_stat_activity, so operators (and tests) can see which process holds the lock.</summary>
    public static string ApplicationName => $"coast-leader-{Environment.ProcessId}";

    public Task<CancellationToken> AcquireAsync(CancellationToken ct)
    {
        Task<CancellationToken> lease;
        lock (_gate) lease = _lease.Task;
        return lease.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = ApplicationName }.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                while (!await TryLockAsync(conn, stoppingToken)) await Task.Delay(RetryInterval, stoppingToken);
                using var lost = new CancellationTokenSource();
                Grant(lost.Token);
                log.LogInformation("Became leader (advisory lock {Key})", LockKey);
                try
                {
                    while (true)
                    {
                        await Task.Delay(RetryInterval, stoppingToken);
                        await using var ping = new NpgsqlCommand("select 1", conn);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
                finally
                {
                    Revoke(lost);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Leader election connection failed: {Message}", e.Message);
                try { await Task.Delay(RetryInterval, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock($1)", conn);
        cmd.Parameters.AddWithValue(LockKey);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private void Grant(CancellationToken token)
    {
        lock (_gate)
        {
            IsLeader = true;
            _lease.TrySetResult(token);
        }
    }

    private void Revoke(CancellationTokenSource lost)
    {
        lock (_gate)
        {
            IsLeader = false;
            _lease = NewLease();
        }
        lost.Cancel();
        log.LogWarning("Lost leadership");
    }

    private static TaskCompletionSource<CancellationToken> NewLease() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static long StableHash(string text)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return BitConverter.ToInt64(bytes, 0);
    }
}
