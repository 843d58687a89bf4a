namespace Coast.Controller.Runtime;

/// <summary>Runs work only while this process leads: waits for the lease, runs, and starts over when it is lost.</summary>
internal static class LeaderLoop
{
    public static async Task RunAsync(ILeaderElector elector, Func<CancellationToken, Task> whileLeading, Action onLost, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var lease = await elector.AcquireAsync(stoppingToken);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease);
            try
            {
                await whileLeading(leading.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                onLost();
            }
        }
    }
}
