using Coast.ApiTypes.Model;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Store;

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class EventRecorderTests(PostgresFixture pg) : StoreTestBase(pg)
{
    [Fact]
    public async Task Identical_events_are_counted_and_newest_come_first()
    {
        var key = new ResourceKey("Instance", "demo", "dev-1");
        await Coast.Events.RecordAsync(key, "Normal", "Created", "created container");
        await Coast.Events.RecordAsync(key, "Warning", "PortBusy", "port 3000 taken");
        await Coast.Events.RecordAsync(key, "Warning", "PortBusy", "port 3000 taken");

        var events = await Coast.Events.ListAsync(key);
        events.Count.ShouldBe(2);
        events[0].Reason.ShouldBe("PortBusy");
        events[0].Count.ShouldBe(2);
        events[1].Reason.ShouldBe("Created");
        (await Coast.Events.ListAsync(new ResourceKey("Instance", "demo", "other"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Events_of_keys_not_live_are_deleted_but_not_newer_ones_or_live_ones()
    {
        var live = new ResourceKey("Instance", "demo", "live");
        var gone = new ResourceKey("Instance", "demo", "gone");
        await Coast.Events.RecordAsync(live, "Normal", "Created", "x");
        await Coast.Events.RecordAsync(gone, "Normal", "Created", "x");
        var listedAt = DateTimeOffset.UtcNow;
        var recreated = new ResourceKey("Instance", "demo", "recreated");
        await Task.Delay(20); // a timestamp after listedAt (ordering, not synchronisation)
        await Coast.Events.RecordAsync(recreated, "Normal", "Created", "after the listing");

        (await Coast.Events.DeleteOrphanedAsync(new HashSet<string> { live.ToString() }, listedAt)).ShouldBe(1);
        (await Coast.Events.ListAsync(gone)).ShouldBeEmpty();
        (await Coast.Events.ListAsync(live)).ShouldHaveSingleItem();
        (await Coast.Events.ListAsync(recreated)).ShouldHaveSingleItem();
    }
}
