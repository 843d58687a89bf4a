using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Secrets;
using Coast.Controller.Runtime;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Secrets;

/// <summary>
/// Keeps a Secret's sealed value current: a manual value (spec.manualValue) is checked to open and wins;
/// otherwise the extractor runs on the host when there is no value yet, when its ttl ran out, when the
/// definition changed (generation), or when `coast rerun-extractors` set a new rerun token. The value is sealed
/// before it is written; a failure is Ready=False/ExtractFailed with the cause (never a value), retried with backoff,
/// and an earlier value is kept meanwhile only if the definition did not change.
/// </summary>
public sealed class SecretReconciler(IResourceStore store, IEventRecorder events, SecretKeyRing keys, TimeProvider clock) : IReconciler<Secret>
{
    public async Task<ReconcileResult> ReconcileAsync(Secret secret, CancellationToken ct)
    {
        var s = secret.Status;
        var gen = secret.Metadata.Generation;
        var now = clock.GetUtcNow();
        var context = SecretEnvelope.Context(secret.Spec.Project, secret.Spec.SecretName);
        var publicKey = keys.PublicKey;
        var rerun = secret.Metadata.Annotations.GetValueOrDefault(SecretNames.RerunAnnotation);
        var ttl = secret.Spec.Definition.Ttl is { } t && SpecDuration.TryParse(t, out var d) ? d : (TimeSpan?)null;

        if (secret.Spec.ManualValue is { } manual)
        {
            try { keys.Open(manual, context); }
            catch (System.Security.Cryptography.CryptographicException)
            {
                throw new TerminalReconcileException(SecretReasons.ExtractFailed,
                    $"secret '{secret.Spec.SecretName}': the manual value does not open with this controller's key ({keys.FilePath}); set it again with `coast secret {secret.Spec.SecretName} set`");
            }
            var changed = s.SealedValue is not null || s.Source != "manual" || s.SealingKey != publicKey || s.ObservedGeneration != gen;
            changed |= Conditions.Set(s.Conditions, ConditionTypes.Ready, ConditionStatus.True, SecretReasons.Manual, "value set with `coast secret set`", gen, now);
            if (changed)
            {
                (s.SealedValue, s.Source, s.SealingKey, s.ObservedGeneration, s.Phase) = (null, "manual", publicKey, gen, "Ready");
                await store.UpdateStatusAsync(secret, ct);
            }
            return ReconcileResult.Done;
        }

        var due = s.SealedValue is null || s.Source != "extracted" || s.ObservedGeneration != gen || (rerun is not null && rerun != s.RerunDone)
                  || (ttl is { } life && s.ExtractedAt is { } at && now - at >= life);
        if (!due)
        {
            if (s.SealingKey != publicKey)
            {
                s.SealingKey = publicKey;
                await store.UpdateStatusAsync(secret, ct);
            }
            return ttl is { } life2 && s.ExtractedAt is { } at2 ? ReconcileResult.After(at2 + life2 - now) : ReconcileResult.Done;
        }

        string value;
        try { value = await SecretExtractor.ExtractAsync(secret.Spec.SecretName, secret.Spec.Definition, ct); }
        catch (SecretExtractionException e)
        {
            // A changed definition makes the old value wrong: drop it so nothing keeps using it.
            if (s.ObservedGeneration != gen) s.SealedValue = null;
            // The rerun request is answered (with this failure); an earlier value of the same definition stays in use.
            s.RerunDone = rerun;
            s.SealingKey = publicKey;
            s.Phase = "Failed";
            Conditions.Set(s.Conditions, ConditionTypes.Ready, ConditionStatus.False, SecretReasons.ExtractFailed, e.Message, gen, now);
            await store.UpdateStatusAsync(secret, ct);
            throw new ReconcileFailedException(SecretReasons.ExtractFailed, e.Message);
        }
        var first = s.SealedValue is null;
        (s.SealedValue, s.Source, s.ExtractedAt, s.RerunDone, s.SealingKey, s.ObservedGeneration, s.Phase) =
            (keys.Seal(value, context), "extracted", now, rerun, publicKey, gen, "Ready");
        Conditions.Set(s.Conditions, ConditionTypes.Ready, ConditionStatus.True, SecretReasons.Extracted,
            $"extracted with the {secret.Spec.Definition.Extractor} extractor", gen, now);
        await store.UpdateStatusAsync(secret, ct);
        await events.RecordAsync(secret.Key, "Normal", SecretReasons.Extracted,
            first ? $"extracted with the {secret.Spec.Definition.Extractor} extractor" : $"extracted again with the {secret.Spec.Definition.Extractor} extractor", ct);
        return ttl is { } again ? ReconcileResult.After(again) : ReconcileResult.Done;
    }
}
