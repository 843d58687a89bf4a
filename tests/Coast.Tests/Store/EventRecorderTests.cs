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
}
