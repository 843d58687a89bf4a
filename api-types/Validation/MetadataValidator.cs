using Coast.ApiTypes.Model;

namespace Coast.ApiTypes.Validation;

internal static class MetadataValidator
{
    public static void Validate(Resource r, Problems p)
    {
        if (r.ApiVersion != Resource.CurrentApiVersion)
            p.Add("apiVersion", $"must be {Resource.CurrentApiVersion}, got '{r.ApiVersion}'");
        p.Dns1123("metadata.name", r.Metadata.Name);
        var info = ResourceKinds.Find(r.Kind);
        if (info is null) p.Add("kind", $"unknown kind '{r.Kind}'");
        else if (info.Namespaced) p.Dns1123("metadata.namespace", r.Metadata.Namespace);
        else if (!string.IsNullOrEmpty(r.Metadata.Namespace))
            p.Add("metadata.namespace", $"{r.Kind} is not part of a project; leave namespace empty");

        foreach (var (key, value) in r.Metadata.Labels)
        {
            if (key.Length > 253 || !Problems.LabelKeyPattern().IsMatch(key))
                p.Add($"metadata.labels.{key}", "label keys are letters, digits, '-', '_', '.' with an optional 'prefix/'");
            if (value.Length > 63 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                p.Add($"metadata.labels.{key}", "label values are at most 63 characters without spaces");
        }
        for (var i = 0; i < r.Metadata.OwnerReferences.Count; i++)
        {
            var o = r.Metadata.OwnerReferences[i];
            p.Required($"metadata.ownerReferences[{i}].kind", o.Kind);
            p.Dns1123($"metadata.ownerReferences[{i}].name", o.Name);
            p.Required($"metadata.ownerReferences[{i}].uid", o.Uid);
        }
    }

    public static void ProjectMatchesNamespace(Resource r, string project, Problems p)
    {
        if (string.IsNullOrEmpty(project)) p.Add("spec.project", "required");
        else if (project != r.Metadata.Namespace)
            p.Add("spec.project", $"'{project}' must equal metadata.namespace '{r.Metadata.Namespace}'");
    }
}
