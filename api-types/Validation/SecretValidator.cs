using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Secrets;

namespace Coast.ApiTypes.Validation;

/// <summary>Rules for [secrets.*] (each extractor's own key), [inject], and the Secret kind.</summary>
internal static class SecretValidator
{
    public static void Validate(ProjectSpec s, Problems p)
    {
        var stored = new Dictionary<string, string>();
        foreach (var (name, secret) in s.Secrets)
        {
            var at = $"spec.secrets.{name}";
            Definition(at, secret, p);
            var resource = SecretNames.ResourceName(name);
            if (stored.TryGetValue(resource, out var other))
                p.Add(at, $"'{name}' and '{other}' differ only in '_' and '-'; give them distinct names");
            stored[resource] = name;
        }
        var targets = s.Secrets.Where(kv => kv.Value.Inject.StartsWith("env:")).GroupBy(kv => kv.Value.Inject);
        foreach (var clash in targets.Where(g => g.Count() > 1))
            p.Add($"spec.secrets.{clash.Skip(1).First().Key}.inject", $"'{clash.Key}' is also injected by spec.secrets.{clash.First().Key}");
        for (var i = 0; i < s.Inject.Env.Count; i++)
            if (!Problems.EnvNamePattern().IsMatch(s.Inject.Env[i]))
                p.Add($"spec.inject.env[{i}]", $"'{s.Inject.Env[i]}' is not an environment variable name (letters, digits, '_')");
        for (var i = 0; i < s.Inject.Files.Count; i++)
        {
            var f = s.Inject.Files[i];
            if (!(f.StartsWith('/') || f.StartsWith("~/")) || f.Split('/').Contains("..") || f.Any(char.IsControl))
                p.Add($"spec.inject.files[{i}]", $"'{f}' must be an absolute path or start with ~/, without '..'");
        }
    }

    /// <summary>One secret's definition: the key its extractor needs, where it goes, how long it lives.</summary>
    public static void Definition(string at, SecretSpec secret, Problems p)
    {
        p.OneOf($"{at}.extractor", secret.Extractor, "env", "file", "command", "custom");
        switch (secret.Extractor)
        {
            case "env":
                if (string.IsNullOrEmpty(secret.Var)) p.Add($"{at}.var", "required with extractor 'env' (the host environment variable to read)");
                else if (!Problems.EnvNamePattern().IsMatch(secret.Var)) p.Add($"{at}.var", $"'{secret.Var}' is not an environment variable name");
                break;
            case "file":
                if (string.IsNullOrEmpty(secret.Path)) p.Add($"{at}.path", "required with extractor 'file' (the host file to read)");
                else if (!(secret.Path.StartsWith('/') || secret.Path.StartsWith("~/"))) p.Add($"{at}.path", $"'{secret.Path}' must be an absolute path or start with ~/");
                break;
            case "command":
                if (string.IsNullOrWhiteSpace(secret.Run)) p.Add($"{at}.run", "required with extractor 'command' (the shell command that prints the value)");
                break;
            case "custom":
                p.Add($"{at}.extractor", "custom extractors are not supported yet; use extractor = \"command\" with run = \"...\"");
                break;
        }
        if (string.IsNullOrEmpty(secret.Inject)) p.Add($"{at}.inject", "required (env:NAME or file:/absolute/path)");
        else p.InjectTarget($"{at}.inject", secret.Inject);
        if (secret.Ttl is not null && (!SpecDuration.TryParse(secret.Ttl, out var ttl) || ttl <= TimeSpan.Zero))
            p.Add($"{at}.ttl", $"'{secret.Ttl}' is not a positive duration (examples: 30s, 15m, 1h)");
    }

    public static void Secret(Secret secret, Problems p)
    {
        MetadataValidator.ProjectMatchesNamespace(secret, secret.Spec.Project, p);
        p.Required("spec.secretName", secret.Spec.SecretName);
        if (secret.Spec.SecretName.Length > 0 && SecretNames.ResourceName(secret.Spec.SecretName) != secret.Metadata.Name)
            p.Add("metadata.name", $"must be '{SecretNames.ResourceName(secret.Spec.SecretName)}' for secret '{secret.Spec.SecretName}'");
        Definition("spec.definition", secret.Spec.Definition, p);
        if (secret.Spec.ManualValue is { } v && !SecretEnvelope.LooksSealed(v))
            p.Add("spec.manualValue", "must be a sealed value (written by `coast secret NAME set`), never the value itself");
    }
}
