using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules for the smaller kinds: Instance, Checkout, Build, RemoteHost.</summary>
internal static class KindValidators
{
    public static void Instance(Instance i, Problems p)
    {
        MetadataValidator.ProjectMatchesNamespace(i, i.Spec.Project, p);
        p.OneOf("spec.state", i.Spec.State, InstanceStates.Running, InstanceStates.Stopped);
        p.Dns1123("spec.remoteHost", i.Spec.RemoteHost, required: false);
        p.Dns1123("spec.build", i.Spec.Build, required: false);
        if (i.Spec.Worktree is { } w && (w.Length == 0 || w.StartsWith('-') || w.Split('/').Contains("..") || w.Any(char.IsControl)))
            p.Add("spec.worktree", $"'{w}' must be a worktree name or path without '..' that does not start with '-'");
        for (var n = 0; n < i.Spec.RemoteServices.Count; n++)
            if (string.IsNullOrWhiteSpace(i.Spec.RemoteServices[n])) p.Add($"spec.remoteServices[{n}]", "must not be empty");
        if (i.Spec.RemoteServices.Count > 0 && i.Spec.RemoteHost is null)
            p.Add("spec.remoteServices", "services can be placed remotely only when spec.remoteHost is set");
    }

    public static void Checkout(Checkout c, Problems p)
    {
        MetadataValidator.ProjectMatchesNamespace(c, c.Spec.Project, p);
        p.Dns1123("spec.instance", c.Spec.Instance, required: false);
    }

    public static void Build(Build b, Problems p)
    {
        MetadataValidator.ProjectMatchesNamespace(b, b.Spec.Project, p);
        if (b.Spec.CoastfileHash.Length > 0 && !b.Spec.CoastfileHash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            p.Add("spec.coastfileHash", "must be lowercase hexadecimal");
    }

    public static void RemoteHost(RemoteHost h, Problems p)
    {
        var s = h.Spec;
        p.Required("spec.host", s.Host);
        p.SafeArgument("spec.host", s.Host);
        p.Port("spec.port", s.Port);
        p.Required("spec.user", s.User);
        p.SafeArgument("spec.user", s.User);
        if (s.IdentityFile is not null) p.AbsolutePath("spec.identityFile", s.IdentityFile);
        if (s.HostKey is not null && !s.HostKey.StartsWith("SHA256:")) p.Add("spec.hostKey", "must be a SHA256:... fingerprint (as printed by ssh-keygen -lf)");
        p.OneOf("spec.syncStrategy", s.SyncStrategy, "rsync", "mutagen");
        p.OneOf("spec.agent", s.Agent, RemoteHostNames.AgentManual, RemoteHostNames.AgentManaged);
        if (s.AgentDir is not null) p.SafeArgument("spec.agentDir", s.AgentDir);
    }
}
