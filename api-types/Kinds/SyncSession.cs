using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Kinds;

/// <summary>
/// One-way workspace sync from a local directory to a path on a remote host: a bulk rsync over the host's
/// SSH identity, then (mode continuous) mutagen when present, otherwise Coast's own watcher. Owned by the Instance.
/// </summary>
public sealed class SyncSession : Resource<SyncSessionSpec, SyncSessionStatus>
{
    public const string KindName = "SyncSession";
    [System.Text.Json.Serialization.JsonPropertyOrder(-9)]
    public override string Kind { get; set; } = KindName;
}

public sealed class SyncSessionSpec
{
    /// <summary>The paths rsync never sends (the seed's list unless the manifest names its own).</summary>
    public static readonly string[] DefaultExcludes = [".git", "node_modules", "target", "__pycache__", ".react-router", ".next"];

    /// <summary>Remote paths a re-sync never deletes, relative to the remote path (rsync 'P path/***').</summary>
    public static readonly string[] DefaultProtect = ["generated/", ".react-router/", "internal/generated/", "app/generated/"];

    /// <summary>The project (also metadata.namespace).</summary>
    public string Project { get; set; } = "";

    /// <summary>The Instance whose workspace this is (normally also its owner).</summary>
    public string? Instance { get; set; }

    /// <summary>The RemoteHost to sync to; its identity file and pinned host key are used.</summary>
    public string RemoteHost { get; set; } = "";

    /// <summary>Absolute local directory (the worktree).</summary>
    public string LocalPath { get; set; } = "";

    /// <summary>Absolute directory on the remote host.</summary>
    public string RemotePath { get; set; } = "";

    public List<string> Excludes { get; set; } = [.. DefaultExcludes];

    public List<string> Protect { get; set; } = [.. DefaultProtect];

    /// <summary>oneshot: one rsync per spec change; continuous: then keep syncing edits.</summary>
    public string Mode { get; set; } = SyncModes.OneShot;

    /// <summary>Continuous sync engine: auto (mutagen when on PATH, else Coast's watcher), mutagen or watcher.</summary>
    public string Engine { get; set; } = SyncEngines.Auto;

    /// <summary>Any value; changing it runs the full rsync again (coast assign sets it).</summary>
    public string? Resync { get; set; }

    /// <summary>rsync's --rsync-path on the remote, e.g. "sudo rsync"; default plain rsync.</summary>
    public string? RsyncPath { get; set; }
}

public static class SyncModes
{
    public const string OneShot = "oneshot";
    public const string Continuous = "continuous";
}

public static class SyncEngines
{
    public const string Auto = "auto";
    public const string Mutagen = "mutagen";
    public const string Watcher = "watcher";
}

public sealed class SyncSessionStatus : ResourceStatus
{
    /// <summary>The engine keeping the remote current: rsync (oneshot), mutagen or watcher.</summary>
    public string? Engine { get; set; }

    /// <summary>When the remote last matched the local tree (a full or incremental sync finished).</summary>
    public DateTimeOffset? LastSyncTime { get; set; }

    /// <summary>When the last full rsync finished.</summary>
    public DateTimeOffset? LastFullSyncTime { get; set; }

    /// <summary>Bytes sent by the last sync (full or incremental).</summary>
    public long LastBytes { get; set; }

    /// <summary>Files sent or deleted by the last sync.</summary>
    public int LastFiles { get; set; }

    /// <summary>Bytes sent since the session started.</summary>
    public long BytesTotal { get; set; }

    /// <summary>Files sent or deleted since the session started.</summary>
    public long FilesTotal { get; set; }

    /// <summary>From the first local change of the last batch to the remote having it, in milliseconds.</summary>
    public long? LagMs { get; set; }

    /// <summary>Syncs run so far (full and incremental).</summary>
    public long Syncs { get; set; }

    /// <summary>The last rsync warning (exit code 23: partial transfer), if any.</summary>
    public string? LastWarning { get; set; }
}

/// <summary>Condition types and reasons of a SyncSession (Ready: the bulk rsync of the current spec finished).</summary>
public static class SyncReasons
{
    /// <summary>Condition: continuous sync is running (mode continuous only).</summary>
    public const string Continuous = "Continuous";

    public const string FullSyncDone = "FullSyncDone";
    public const string PartialTransfer = "PartialTransfer";
    public const string RsyncFailed = "RsyncFailed";
    public const string HostNotFound = "HostNotFound";
    public const string HostNotReady = "HostNotReady";
    public const string LocalPathMissing = "LocalPathMissing";
    public const string Watching = "Watching";
    public const string MutagenRunning = "MutagenRunning";
    public const string ContinuousFailed = "ContinuousFailed";
    public const string WaitingForFullSync = "WaitingForFullSync";
}
