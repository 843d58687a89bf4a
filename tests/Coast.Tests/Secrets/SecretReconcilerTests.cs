using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Secrets;
using Coast.Controller.Runtime;
using Coast.Controller.Secrets;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;
using Microsoft.Extensions.Time.Testing;

namespace Coast.Tests.Secrets;

/// <summary>The Secret reconciler against the in-memory store: when it extracts (first, ttl, rerun, changed definition), what a failure leaves.</summary>
[Trait("Category", Category.Unit)]
public sealed class SecretReconcilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coast-secret-rec-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Extracts_first_then_after_ttl_or_rerun_and_a_failure_names_the_cause_only()
    {
        var store = new MemoryStore(_clock);
        using var keys = new SecretKeyRing(Path.Combine(_dir, "secret-key"));
        var reconciler = new SecretReconciler(store, new MemoryEventRecorder(_clock), keys, _clock);
        var source = Path.Combine(_dir, "value");
        await File.WriteAllTextAsync(source, "v1");
        var project = new Project { Metadata = { Name = "p", Namespace = "p" } };
        project.Spec.Secrets["db_pass"] = new SecretSpec { Extractor = "command", Run = $"cat {source}", Inject = "env:DB_PASS", Ttl = "10m" };
        project = (Project)await store.CreateAsync(project);
        await SecretSync.SyncAsync(store, project, default);
        var key = new ResourceKey(Secret.KindName, "p", "db-pass");

        async Task<(ReconcileResult Result, string Value)> PassAsync()
        {
            var result = await reconciler.ReconcileAsync((Secret)(await store.GetAsync(key))!, default);
            var s = (Secret)(await store.GetAsync(key))!;
            return (result, keys.Open(s.Status.SealedValue!, SecretEnvelope.Context("p", "db_pass")));
        }

        var first = await PassAsync();
        first.Value.ShouldBe("v1");
        first.Result.RequeueAfter.ShouldBe(TimeSpan.FromMinutes(10));
        await File.WriteAllTextAsync(source, "v2");
        (await PassAsync()).Value.ShouldBe("v1");
        _clock.Advance(TimeSpan.FromMinutes(10));
        (await PassAsync()).Value.ShouldBe("v2");

        await File.WriteAllTextAsync(source, "v3");
        var secret = (Secret)(await store.GetAsync(key))!;
        secret.Metadata.Annotations[SecretNames.RerunAnnotation] = "t1";
        await store.UpdateAsync(secret);
        (await PassAsync()).Value.ShouldBe("v3");
        ((Secret)(await store.GetAsync(key))!).Status.RerunDone.ShouldBe("t1");

        // A failing rerun keeps the value of the same definition and answers the request with the cause.
        File.Delete(source);
        secret = (Secret)(await store.GetAsync(key))!;
        secret.Metadata.Annotations[SecretNames.RerunAnnotation] = "t2";
        await store.UpdateAsync(secret);
        var failure = await Should.ThrowAsync<ReconcileFailedException>(() => reconciler.ReconcileAsync((Secret)store.GetAsync(key).Result!, default));
        failure.Message.ShouldBe("secret 'db_pass': command exited with code 1: cat: " + source + ": No such file or directory");
        secret = (Secret)(await store.GetAsync(key))!;
        secret.Status.RerunDone.ShouldBe("t2");
        secret.Status.SealedValue.ShouldNotBeNull();
        Conditions.Get(secret.Status.Conditions, ConditionTypes.Ready)!.Reason.ShouldBe(SecretReasons.ExtractFailed);

        // A changed definition that fails drops the old value: nothing keeps using it.
        project = (Project)(await store.GetAsync(project.Key))!;
        project.Spec.Secrets["db_pass"].Run = "exit 7";
        project = (Project)await store.UpdateAsync(project);
        await SecretSync.SyncAsync(store, project, default);
        await Should.ThrowAsync<ReconcileFailedException>(() => reconciler.ReconcileAsync((Secret)store.GetAsync(key).Result!, default));
        ((Secret)(await store.GetAsync(key))!).Status.SealedValue.ShouldBeNull();

        // Gone from the Coastfile: the Secret goes too.
        project.Spec.Secrets.Clear();
        project = (Project)await store.UpdateAsync(project);
        await SecretSync.SyncAsync(store, project, default);
        (await store.GetAsync(key)).ShouldBeNull();
    }
}
