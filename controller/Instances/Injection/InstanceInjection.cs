using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Secrets;
using Coast.Controller.Runtime;
using Coast.Controller.Secrets;
using Coast.Controller.Store;
using Coast.Client.Store;

namespace Coast.Controller.Instances.Injection;

/// <summary>
/// Gathers what a project injects into its instances: the opened values of its Secrets (extracted by the Secret
/// reconciler) and its [inject] env and files read on the host. A secret not extracted yet is a wait (the Secret
/// watch wakes the instance); one whose extractor failed, or a missing [inject] value, is a failure naming it.
/// </summary>
public sealed class InstanceInjection(IResourceStore store, SecretKeyRing keys)
{
    /// <summary>Files of compose services are bind mounts of these; the env file is compose's --env-file.</summary>
    public const string FilesDir = "/coast/inject/files";
    public const string EnvFile = InstanceLayout.InjectedEnvFile;

    public static bool Injects(Project project) => InstanceLayout.Injects(project);

    /// <summary>The values, or null with a message when a secret is still being extracted.</summary>
    public async Task<(InjectedValues? Values, string? Waiting)> ResolveAsync(Project project, CancellationToken ct)
    {
        if (!Injects(project)) return (InjectedValues.None, null);
        var env = new Dictionary<string, string>();
        var files = new List<InjectedFile>();
        foreach (var (name, definition) in project.Spec.Secrets.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var key = new ResourceKey(Secret.KindName, project.Metadata.Namespace, SecretNames.ResourceName(name));
            if (await store.GetAsync(key, ct) is not Secret secret || secret.Metadata.DeletionTimestamp is not null)
                return (null, $"waiting for secret '{name}' to be extracted");
            var ready = Conditions.Get(secret.Status.Conditions, ConditionTypes.Ready);
            var sealedValue = secret.Spec.ManualValue ?? (secret.Status.ObservedGeneration == secret.Metadata.Generation ? secret.Status.SealedValue : null);
            if (sealedValue is null)
            {
                if (ready is { Status: ConditionStatus.False, Reason: SecretReasons.ExtractFailed } && ready.ObservedGeneration == secret.Metadata.Generation)
                    throw new ReconcileFailedException(InstanceReasons.SecretUnavailable, ready.Message);
                return (null, $"waiting for secret '{name}' to be extracted");
            }
            string value;
            try { value = keys.Open(sealedValue, SecretEnvelope.Context(project.Metadata.Name, name)); }
            catch (System.Security.Cryptography.CryptographicException)
            {
                throw new ReconcileFailedException(InstanceReasons.SecretUnavailable,
                    $"secret '{name}': its stored value does not open with this controller's key; run `coast rerun-extractors {name}` or `coast secret {name} set`");
            }
            if (definition.Inject.StartsWith("env:")) env[definition.Inject[4..]] = value;
            else files.Add(new InjectedFile($"secret-{SecretNames.ResourceName(name)}", definition.Inject[5..], value));
        }
        foreach (var name in project.Spec.Inject.Env)
            env.TryAdd(name, Environment.GetEnvironmentVariable(name)
                ?? throw new ReconcileFailedException(InstanceReasons.SecretUnavailable, $"[inject] env '{name}' is not set in the controller's environment"));
        for (var i = 0; i < project.Spec.Inject.Files.Count; i++)
        {
            var path = project.Spec.Inject.Files[i];
            var host = path.StartsWith("~/") ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;
            string content;
            try { content = await File.ReadAllTextAsync(host, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ReconcileFailedException(InstanceReasons.SecretUnavailable, $"[inject] files '{path}': {(File.Exists(host) ? "not readable by the controller" : "file does not exist")}");
            }
            files.Add(new InjectedFile($"inject-{i}", path.StartsWith("~/") ? $"/root/{path[2..]}" : path, content));
        }
        var parts = env.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"env:{kv.Key}={kv.Value}")
            .Concat(files.Select(f => $"file:{f.Name}:{f.Target}={f.Content}"));
        return (new InjectedValues(env, files, keys.Fingerprint(parts)), null);
    }
}
