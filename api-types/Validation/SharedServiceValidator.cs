using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules of a SharedService (the Project's own [shared_services] rules are in ProjectValidator).</summary>
internal static class SharedServiceValidator
{
    public static void Validate(SharedService s, Problems p)
    {
        MetadataValidator.ProjectMatchesNamespace(s, s.Spec.Project, p);
        p.Required("spec.service", s.Spec.Service);
        if (!Problems.PortNamePattern().IsMatch(s.Spec.Service))
            p.Add("spec.service", $"name '{s.Spec.Service}' must be lowercase letters, digits, '_' and '-'");
        p.Required("spec.image", s.Spec.Image);
        p.SafeArgument("spec.image", s.Spec.Image);
        for (var i = 0; i < s.Spec.Ports.Count; i++)
        {
            var parts = s.Spec.Ports[i].Split(':');
            if (parts.Length is < 1 or > 2 || parts.Any(x => !int.TryParse(x, out var n) || n is < 1 or > 65535))
                p.Add($"spec.ports[{i}]", $"'{s.Spec.Ports[i]}' must be PORT or HOST_PORT:CONTAINER_PORT with ports 1-65535");
        }
        for (var i = 0; i < s.Spec.Volumes.Count; i++)
            if (s.Spec.Volumes[i].Split(':') is not [{ Length: > 0 }, ['/', ..]] and not [{ Length: > 0 }, ['/', ..], _])
                p.Add($"spec.volumes[{i}]", $"'{s.Spec.Volumes[i]}' must be NAME:/container/path or /host/path:/container/path");
        p.InjectTarget("spec.inject", s.Spec.Inject);
    }
}
