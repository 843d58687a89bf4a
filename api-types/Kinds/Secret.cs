using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>
/// One secret of a project ([secrets.NAME] of its Coastfile), made by the Project reconciler. The Secret
/// reconciler extracts the value on the host and keeps it sealed (never in clear) in status; `coast secret
/// NAME set` puts a sealed value in spec.manualValue, which wins over extraction.
/// </summary>
public sealed class Secret : Resource<SecretResourceSpec, SecretStatus>
{
    public const string KindName = "Secret";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class SecretResourceSpec
{
    public string Project { get; set; } = "";

    /// <summary>The name in the Coastfile (metadata.name is it with '_' as '-').</summary>
    public string SecretName { get; set; } = "";

    /// <summary>The Coastfile's definition, kept in step with the Project.</summary>
    public SecretSpec Definition { get; set; } = new();

    /// <summary>A value set by hand, sealed to the controller's key (see <see cref="Secrets.SecretEnvelope"/>).</summary>
    public string? ManualValue { get; set; }
}

public sealed class SecretStatus : ResourceStatus
{
    /// <summary>The extracted value, sealed to the controller's key; null until extracted (or when manual).</summary>
    public string? SealedValue { get; set; }

    /// <summary>extracted or manual.</summary>
    public string? Source { get; set; }

    public DateTimeOffset? ExtractedAt { get; set; }

    /// <summary>The rerun token (annotation <see cref="SecretNames.RerunAnnotation"/>) the last extraction answered.</summary>
    public string? RerunDone { get; set; }

    /// <summary>The controller's public key (SPKI, base64): the CLI seals a manual value to it without ever holding a key.</summary>
    public string? SealingKey { get; set; }
}

/// <summary>Names and annotations of Secrets.</summary>
public static class SecretNames
{
    /// <summary>A new value of this annotation asks for the secret to be extracted again (`coast rerun-extractors`).</summary>
    public const string RerunAnnotation = "coast.dev/rerun-extractors";

    public static string ResourceName(string secretName) => secretName.Replace('_', '-');
}

/// <summary>Condition reasons of a Secret.</summary>
public static class SecretReasons
{
    public const string Extracted = "Extracted";
    public const string Manual = "Manual";
    public const string ExtractFailed = "ExtractFailed";
}
