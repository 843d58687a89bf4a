using Coast.ApiTypes.Coastfile;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Validation;
using Coast.Tests.Coastfile;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Secrets;

/// <summary>[secrets.*] with each extractor's own key, [inject], and the Secret kind: parsing and validation with field paths.</summary>
[Trait("Category", Category.Unit)]
public sealed class SecretParsingTests
{
    private static IReadOnlyList<string> Problems(string body)
    {
        var e = Should.Throw<CoastfileException>(() => InMemorySource.Load("[coast]\nname = \"p\"\n" + body));
        return e.Problems;
    }

    [Fact]
    public void Each_extractor_reads_its_own_key()
    {
        var p = InMemorySource.Load("""
            [coast]
            name = "p"
            [secrets.api_token]
            extractor = "env"
            var = "HOST_TOKEN"
            inject = "env:API_TOKEN"
            ttl = "1h"
            [secrets.cert]
            extractor = "file"
            path = "~/.certs/dev.pem"
            inject = "file:/run/secrets/dev.pem"
            [secrets.db-pass]
            extractor = "command"
            run = "pass show db"
            inject = "env:DB_PASS"
            [inject]
            env = ["NODE_ENV"]
            files = ["~/.gitconfig"]
            """).Project.Spec;
        p.Secrets["api_token"].Var.ShouldBe("HOST_TOKEN");
        p.Secrets["api_token"].Ttl.ShouldBe("1h");
        p.Secrets["cert"].Path.ShouldBe("~/.certs/dev.pem");
        p.Secrets["db-pass"].Run.ShouldBe("pass show db");
        p.Inject.Env.ShouldBe(["NODE_ENV"]);
        p.Inject.Files.ShouldBe(["~/.gitconfig"]);
    }

    [Fact]
    public void The_older_params_spelling_is_read_too()
    {
        var p = InMemorySource.Load("[coast]\nname = \"p\"\n[secrets.t]\nextractor = \"env\"\ninject = \"env:T\"\nparams = { var = \"HOST_T\" }\n").Project.Spec;
        p.Secrets["t"].Var.ShouldBe("HOST_T");
    }

    [Fact]
    public void A_missing_extractor_key_is_named_with_its_coastfile_path()
    {
        Problems("[secrets.t]\nextractor = \"env\"\ninject = \"env:T\"\n").ShouldContain(x => x.StartsWith("Coastfile: [secrets.t] var: required with extractor 'env'"));
        Problems("[secrets.t]\nextractor = \"file\"\ninject = \"env:T\"\n").ShouldContain(x => x.StartsWith("Coastfile: [secrets.t] path: required"));
        Problems("[secrets.t]\nextractor = \"command\"\ninject = \"env:T\"\n").ShouldContain(x => x.StartsWith("Coastfile: [secrets.t] run: required"));
    }

    [Fact]
    public void Bad_inject_ttl_extractor_and_inject_section_are_each_reported()
    {
        var problems = Problems("""
            [secrets.a]
            extractor = "env"
            var = "A"
            inject = "somewhere"
            ttl = "soon"
            [secrets.b]
            extractor = "custom"
            inject = "env:B"
            [secrets.c]
            extractor = "file"
            path = "relative.txt"
            inject = "file:/x"
            [inject]
            env = ["not-a-name"]
            files = ["relative/file"]
            """);
        problems.ShouldContain("Coastfile: [secrets.a] inject: 'somewhere' must be env:NAME or file:/absolute/path");
        problems.ShouldContain(x => x.StartsWith("Coastfile: [secrets.a] ttl: 'soon' is not a positive duration"));
        problems.ShouldContain(x => x.StartsWith("Coastfile: [secrets.b] extractor: custom extractors are not supported yet"));
        problems.ShouldContain(x => x.StartsWith("Coastfile: [secrets.c] path: 'relative.txt' must be an absolute path"));
        problems.ShouldContain(x => x.StartsWith("Coastfile: [inject] env[0]: 'not-a-name' is not an environment variable name"));
        problems.ShouldContain(x => x.StartsWith("Coastfile: [inject] files[0]: 'relative/file' must be an absolute path"));
    }

    [Fact]
    public void Two_secrets_injected_as_one_variable_or_named_alike_are_errors()
    {
        var problems = Problems("[secrets.a_b]\nvar = \"X\"\ninject = \"env:T\"\n[secrets.a-b]\nvar = \"Y\"\ninject = \"env:T\"\n");
        problems.ShouldContain(x => x.Contains("differ only in '_' and '-'"));
        problems.ShouldContain(x => x.Contains("'env:T' is also injected by"));
    }

    [Fact]
    public void A_secret_resource_never_takes_a_value_in_clear()
    {
        var secret = new Secret
        {
            Metadata = { Name = "api-token", Namespace = "p" },
            Spec = { Project = "p", SecretName = "api_token", Definition = { Var = "X", Inject = "env:X" }, ManualValue = "hunter2" },
        };
        ResourceValidator.Validate(secret).ShouldContain(e => e.Path == "spec.manualValue");
        secret.Metadata.Name = "api_token";
        ResourceValidator.Validate(secret).ShouldContain(e => e.Path == "metadata.name");
    }
}
