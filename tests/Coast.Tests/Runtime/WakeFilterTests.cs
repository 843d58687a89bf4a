using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Coast.Tests.Runtime;

/// <summary>The wake predicate and the retry schedule, without a store: fingerprints, backoff resets, a fake clock.</summary>
[Trait("Category", Category.Unit)]
public sealed class WakeFilterTests
{
    private static readonly ResourceKey Key = new("Instance", "demo", "a");

    private static Coast.ApiTypes.Kinds.Instance Stored(long generation = 1, string uid = "u1")
    {
        var i = TestResources.Instance("a");
        i.Metadata.Uid = uid;
        i.Metadata.Generation = generation;
        return i;
    }

    [Fact]
    public void A_status_only_write_does_not_wake_but_spec_labels_annotations_deletion_and_recreation_do()
    {
        var filter = new WakeFilter(new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)));
        var seen = Stored();
        filter.Observed(Key, seen);

        var statusOnly = Stored();
        statusOnly.Status.Phase = "Failed";
        statusOnly.Status.Conditions.Add(new Condition { Type = "Ready", Status = ConditionStatus.False, Reason = "Boom" });
        statusOnly.Metadata.Finalizers.Add("coast.dev/x");
        statusOnly.Metadata.ResourceVersion = "v2";
        filter.FromStore(Key, statusOnly).ShouldBeFalse();

        filter.FromStore(Key, Stored(generation: 2)).ShouldBeTrue();
        filter.FromStore(Key, Stored(generation: 2)).ShouldBeFalse(); // the same change is not a second wake

        var labelled = Stored(generation: 2);
        labelled.Metadata.Labels["team"] = "x";
        filter.FromStore(Key, labelled).ShouldBeTrue();
        var annotated = Stored(generation: 2);
        annotated.Metadata.Labels["team"] = "x";
        annotated.Metadata.Annotations["coast.dev/restart"] = "1";
        filter.FromStore(Key, annotated).ShouldBeTrue();
        var deleting = Stored(generation: 2);
        deleting.Metadata.Labels["team"] = "x";
        deleting.Metadata.Annotations["coast.dev/restart"] = "1";
        deleting.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch;
        filter.FromStore(Key, deleting).ShouldBeTrue();
        filter.FromStore(Key, null).ShouldBeTrue();
        filter.FromStore(Key, Stored(uid: "u2")).ShouldBeTrue(); // deleted and created again under the same name
    }

    [Fact]
    public void A_failing_key_is_left_to_its_backoff_unless_its_inputs_change()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        var filter = new WakeFilter(backoff);
        filter.Observed(Key, Stored());
        filter.FromOutside(Key).ShouldBeTrue();
        filter.FromResync(Key).ShouldBeTrue();

        backoff.Next(Key);
        backoff.Next(Key);
        filter.FromOutside(Key).ShouldBeFalse();
        filter.FromResync(Key).ShouldBeFalse();
        filter.FromStore(Key, Stored()).ShouldBeFalse();
        backoff.Failures(Key).ShouldBe(2);

        filter.FromStore(Key, Stored(generation: 2)).ShouldBeTrue();
        backoff.Failures(Key).ShouldBe(0); // an input change retries at once, from the first backoff step
        filter.FromOutside(Key).ShouldBeTrue();
    }

    [Fact]
    public async Task A_newer_delayed_add_replaces_a_pending_one_on_a_fake_clock()
    {
        var clock = new FakeTimeProvider();
        using var q = new WorkQueue(clock);
        q.AddAfter(Key, TimeSpan.FromSeconds(10));
        q.AddAfter(Key, TimeSpan.FromSeconds(1));
        q.PendingDelayed.ShouldBe(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        (await q.TakeAsync(deadline.Token)).ShouldBe(Key);
        q.Done(Key);
        clock.Advance(TimeSpan.FromSeconds(20));
        q.PendingDelayed.ShouldBe(0);
        q.Count.ShouldBe(0); // the replaced 10 s add never fires
    }

    [Fact]
    public void Backoff_attempts_in_a_minute_are_few_and_the_delay_is_capped()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        var elapsed = TimeSpan.Zero;
        var attempts = 0;
        while (elapsed < TimeSpan.FromMinutes(1))
        {
            attempts++;
            elapsed += backoff.Next(Key);
        }
        attempts.ShouldBeInRange(9, 12);
        for (var i = 0; i < 50; i++) backoff.Next(Key).ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(5));
    }
}
