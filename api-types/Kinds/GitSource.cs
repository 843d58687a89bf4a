using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>
/// A folder of manifests (and Coastfiles) in a git repository that Coast keeps applied, the way a Flux
/// Kustomization keeps a cluster matching a repository. Cluster-scoped: what it applies may live in any project.
/// </summary>
public sealed class GitSource : Resource<GitSourceSpec, GitSourceStatus>
{
    public const string KindName = "GitSource";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class GitSourceSpec
{
    /// <summary>A local path or anything `git clone` accepts.</summary>
    public string Url { get; set; } = "";

    public string Branch { get; set; } = "main";

    /// <summary>The manifests folder inside the repository (relative, no '..').</summary>
    public string Path { get; set; } = ".";

    /// <summary>How often the branch is fetched and the folder applied again (drift is put back), e.g. "1m".</summary>
    public string Interval { get; set; } = "1m";

    /// <summary>Bound of each git command, e.g. "60s".</summary>
    public string Timeout { get; set; } = "60s";

    /// <summary>Delete what an earlier revision applied and the new one no longer contains.</summary>
    public bool Prune { get; set; }

    /// <summary>Stop fetching and applying until resumed; what is applied stays.</summary>
    public bool Suspend { get; set; }

    /// <summary>
    /// For an ssh URL (required there): the server's host key as a SHA256 fingerprint (`ssh-keygen -lf`), the
    /// same form a RemoteHost pins. Only a server presenting exactly this key is talked to; nothing is learnt.
    /// </summary>
    public string? HostKey { get; set; }

    /// <summary>Credentials for a private repository, by reference only (never in clear).</summary>
    public GitCredentials? Credentials { get; set; }
}

/// <summary>One of: a secret under $COAST_HOME/secrets (username and password or token) for an http(s) URL, or an SSH private key file for an ssh URL.</summary>
public sealed class GitCredentials
{
    public string? SecretRef { get; set; }
    public string? SshKeyPath { get; set; }
}

public sealed class GitSourceStatus : ResourceStatus
{
    /// <summary>"branch@sha1:..." of the revision whose manifests are applied.</summary>
    public string? LastAppliedRevision { get; set; }

    /// <summary>"branch@sha1:..." of the revision last tried (applied or rejected).</summary>
    public string? LastAttemptedRevision { get; set; }

    /// <summary>Every resource the applied revision wrote, as "Kind/namespace/name".</summary>
    public List<string> Inventory { get; set; } = new();

    /// <summary>The value of the reconcile-requested annotation this status answers (`coast source reconcile`).</summary>
    public string? LastHandledReconcileAt { get; set; }
}
