using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.GitOps;

/// <summary>
/// Keeps a GitSource's folder applied (see docs/gitops.md). Each pass fetches the branch; a new revision is
/// checked out into `staging`, validated whole, and applied with its prunes and the source's status in one
/// transaction (a controller killed before the commit leaves the previous revision applied, whole); only then
/// does it become `applied`, the files its Coastfile projects use. An unchanged revision is applied again
/// from `applied`, which puts back hand edits. Failures are written with the revision tried and re-thrown,
/// so the runtime backs off; nothing is left behind (staging is removed).
/// </summary>
public sealed class GitSourceReconciler(IResourceStore store, IEventRecorder events, GitSourceOptions options, TimeProvider clock)
    : IReconciler<GitSource>
{
    private const string RevisionMarker = ".coast-revision";

    public async Task<ReconcileResult> ReconcileAsync(GitSource source, CancellationToken ct)
    {
        if (source.Spec.Suspend) return await SuspendedAsync(source, ct);
        var spec = source.Spec;
        var interval = SpecDuration.Parse(spec.Interval);
        var cache = options.CacheDir(source.Metadata.Name);
        var (staging, applied) = (Path.Combine(cache, "staging"), Path.Combine(cache, "applied"));
        string? revision = null;
        try
        {
            var timeout = SpecDuration.Parse(spec.Timeout);
            var git = new GitClient(cache, await GitCredentialsEnvironment.ForAsync(spec, options, cache, timeout, ct), timeout);
            var commit = await git.FetchAsync(spec.Url, spec.Branch, ct);
            revision = $"{spec.Branch}@sha1:{commit}";
            var fresh = !IsCheckedOut(applied, commit);
            if (revision != source.Status.LastAppliedRevision) source = await ProgressingAsync(source, revision, ct);
            if (fresh) await git.CheckoutAsync(commit, staging, ct);
            var desired = ManifestFolder.Load(fresh ? staging : applied, spec.Path, servedFrom: applied);
            var (apply, delete) = await SourceApplyPlan.BuildAsync(source, desired, store, ct);

            var previous = source.Status.LastAppliedRevision;
            var status = source.Status;
            status.Inventory = desired.Select(d => d.Key.ToString()).Order(StringComparer.Ordinal).ToList();
            (status.LastAppliedRevision, status.LastAttemptedRevision) = (revision, revision);
            SetConditions(source, ConditionStatus.True, GitSourceNames.Succeeded, $"Applied revision {revision}", stalled: false);
            var outcomes = await store.CommitAsync(new ChangeSet(apply, delete, [source]), ct);

            if (fresh) Promote(staging, applied, commit);
            var changed = outcomes.Where(o => o.Key != source.Key && o.Action != ApplyAction.Unchanged).ToList();
            if (previous != revision)
                await events.RecordAsync(source.Key, "Normal", "RevisionApplied", $"{revision}: {Summary(changed)}", ct);
            else if (changed.Count > 0)
                await events.RecordAsync(source.Key, "Normal", "DriftCorrected", Summary(changed), ct);
            return ReconcileResult.After(interval);
        }
        catch (ReconcileFailedException e)
        {
            await FailedAsync(source, revision, e, ct);
            throw;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static bool IsCheckedOut(string dir, string commit) =>
        File.Exists(Path.Combine(dir, RevisionMarker)) && File.ReadAllText(Path.Combine(dir, RevisionMarker)).Trim() == commit;

    /// <summary>Staging becomes the applied folder; the marker says which commit it holds (checked before it is trusted).</summary>
    private static void Promote(string staging, string applied, string commit)
    {
        var old = applied + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(applied)) Directory.Move(applied, old);
        Directory.Move(staging, applied);
        File.WriteAllText(Path.Combine(applied, RevisionMarker), commit);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    private async Task<GitSource> ProgressingAsync(GitSource source, string revision, CancellationToken ct)
    {
        if (!Conditions.Set(source.Status.Conditions, GitSourceNames.Reconciling, ConditionStatus.True, GitSourceNames.Progressing,
                $"Applying revision {revision}", source.Metadata.Generation, clock.GetUtcNow())) return source;
        return (GitSource)await store.UpdateStatusAsync(source, ct);
    }

    private async Task FailedAsync(GitSource source, string? revision, ReconcileFailedException e, CancellationToken ct)
    {
        // A bad revision cannot heal without a new commit: Stalled. Fetch, credential and conflict failures may.
        var stalled = e.Reason == GitSourceNames.ValidationFailed;
        var current = (GitSource?)await store.GetAsync(source.Key, ct);
        if (current is null) return;
        if (revision is not null) current.Status.LastAttemptedRevision = revision;
        var message = revision is null ? e.Message : $"revision {revision}: {e.Message}";
        SetConditions(current, ConditionStatus.False, e.Reason, message, stalled);
        try { await store.UpdateStatusAsync(current, ct); }
        catch (ConflictException) { }
    }

    private void SetConditions(GitSource source, string ready, string reason, string message, bool stalled)
    {
        var (c, gen, now) = (source.Status.Conditions, source.Metadata.Generation, clock.GetUtcNow());
        Conditions.Set(c, GitSourceNames.Ready, ready, reason, message, gen, now);
        Conditions.Set(c, GitSourceNames.Reconciling, ConditionStatus.False, reason, message, gen, now);
        Conditions.Set(c, GitSourceNames.Stalled, stalled ? ConditionStatus.True : ConditionStatus.False, reason, stalled ? message : "", gen, now);
        source.Status.ObservedGeneration = gen;
        source.Status.Phase = ready == ConditionStatus.True ? "Ready" : stalled ? "Stalled" : "Failed";
        source.Status.LastHandledReconcileAt = source.Metadata.Annotations.GetValueOrDefault(GitSourceNames.ReconcileRequestedAnnotation);
    }

    private async Task<ReconcileResult> SuspendedAsync(GitSource source, CancellationToken ct)
    {
        var c = source.Status.Conditions;
        var changed = Conditions.Set(c, GitSourceNames.Reconciling, ConditionStatus.False, GitSourceNames.Suspended,
            "suspended: nothing is fetched or applied until resumed", source.Metadata.Generation, clock.GetUtcNow());
        var handled = source.Metadata.Annotations.GetValueOrDefault(GitSourceNames.ReconcileRequestedAnnotation);
        if (changed || source.Status.ObservedGeneration != source.Metadata.Generation || source.Status.LastHandledReconcileAt != handled)
        {
            (source.Status.ObservedGeneration, source.Status.Phase, source.Status.LastHandledReconcileAt) = (source.Metadata.Generation, "Suspended", handled);
            await store.UpdateStatusAsync(source, ct);
        }
        return ReconcileResult.Done;
    }

    private static string Summary(IReadOnlyList<ApplyOutcome> changed) =>
        changed.Count == 0 ? "nothing changed"
            : string.Join(", ", changed.GroupBy(o => o.Action).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {string.Join(" ", g.Select(o => o.Key))}"));
}
