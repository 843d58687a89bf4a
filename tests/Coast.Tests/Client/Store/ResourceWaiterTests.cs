using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Client.Store;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;

namespace Coast.Tests.Client.Store;

[Trait("Category", Category.Unit)]
public sealed class ResourceWaiterTests
{
    private readonly MemoryStore _store = new(TimeProvider.System);

    [Fact]
    public async Task A_resource_already_done_returns_at_once_without_a_watch()
    {
        var created = await _store.CreateAsync(TestResources.Instance("dev-1"));
        var (done, last) = await ResourceWaiter.WaitAsync(_store, created.Key, r => r is not null, TimeSpan.FromSeconds(5), default);
        done.ShouldBeTrue();
        last!.Metadata.Name.ShouldBe("dev-1");
        _store.Watches.ShouldBe(0, "no listen connection for a wait that is already over");
    }

    [Fact]
    public async Task A_later_write_ends_the_wait_through_the_watch()
    {
        var created = await _store.CreateAsync(TestResources.Instance("dev-1"));
        var wait = ResourceWaiter.WaitAsync(_store, created.Key, r => r?.Metadata.Labels.ContainsKey("ready") == true, TimeSpan.FromSeconds(10), default);
        (await Poll.UntilAsync(() => Task.FromResult(_store.Watches > 0), TimeSpan.FromSeconds(5))).ShouldBeTrue();
        var stored = (await _store.GetAsync(created.Key))!;
        stored.Metadata.Labels["ready"] = "yes";
        await _store.UpdateAsync(stored);
        var (done, _) = await wait;
        done.ShouldBeTrue();
    }

    [Fact]
    public async Task A_wait_that_never_ends_returns_false_at_its_timeout_with_the_last_seen()
    {
        var created = await _store.CreateAsync(TestResources.Instance("dev-1"));
        var (done, last) = await ResourceWaiter.WaitAsync(_store, created.Key, _ => false, TimeSpan.FromMilliseconds(300), default);
        done.ShouldBeFalse();
        last!.Metadata.Name.ShouldBe("dev-1");
    }
}
