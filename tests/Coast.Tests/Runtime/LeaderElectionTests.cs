using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coast.Tests.Runtime;

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class LeaderElectionTests(PostgresFixture pg)
{
    [Fact]
    public async Task Only_one_of_two_controllers_leads_and_the_other_takes_over_when_it_dies()
    {
        var lockName = $"test-leader-{Guid.NewGuid():N}";
        var first = new PostgresLeaderElector(pg.ConnectionString, lockName, NullLogger<PostgresLeaderElector>.Instance)
            { RetryInterval = TimeSpan.FromMilliseconds(200) };
        var second = new PostgresLeaderElector(pg.ConnectionString, lockName, NullLogger<PostgresLeaderElector>.Instance)
            { RetryInterval = TimeSpan.FromMilliseconds(200) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await first.StartAsync(CancellationToken.None);
            var firstLease = await first.AcquireAsync(timeout.Token);
            await second.StartAsync(CancellationToken.None);

            var secondAcquire = second.AcquireAsync(timeout.Token);
            // Give the second several retry rounds: it must keep waiting while the first holds the lock.
            await Task.WhenAny(secondAcquire, Task.Delay(TimeSpan.FromSeconds(1), timeout.Token));
            secondAcquire.IsCompleted.ShouldBeFalse();
            first.IsLeader.ShouldBeTrue();
            second.IsLeader.ShouldBeFalse();

            var stoppedAt = DateTime.UtcNow;
            await first.StopAsync(CancellationToken.None); // the leader dies: its connection closes
            first.Dispose();
            firstLease.IsCancellationRequested.ShouldBeTrue();

            await secondAcquire;
            second.IsLeader.ShouldBeTrue();
            (DateTime.UtcNow - stoppedAt).ShouldBeLessThan(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
            second.Dispose();
        }
    }
}
