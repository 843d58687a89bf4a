using Coast.Tests.Infrastructure;

namespace Coast.Tests.Coastfile;

/// <summary>`${VAR}` where TOML needs a value, unquoted, as Coasts accepts it (plain TOML rejects it).</summary>
[Trait("Category", Category.Unit)]
public sealed class BareInterpolationTests
{
    private const string File = """
        [coast]
        name = "a"
        # a comment with ${NOT_EXPANDED} stays a comment
        [ports]
        app = ${COAST_APP_PORT:-40000}
        web = ${WEB_PORT}
        [shared_services.db]
        image = ${DB_IMAGE:-coast/postgres:15}
        ports = [${DB_PORT:-5432}]
        env = { LITERAL = "$${KEEP}", QUOTED = "${DB_IMAGE:-x}" }
        """;

    [Fact]
    public void Unquoted_interpolation_parses_with_the_default_and_with_the_environment()
    {
        var defaults = InMemorySource.Load(File, new Dictionary<string, string?> { ["WEB_PORT"] = "3001" });
        defaults.Project.Spec.Ports["app"].ShouldBe(40000);
        defaults.Project.Spec.Ports["web"].ShouldBe(3001);
        defaults.Project.Spec.SharedServices["db"].Image.ShouldBe("coast/postgres:15");
        defaults.Project.Spec.SharedServices["db"].Ports.ShouldBe(["5432"]);
        defaults.Project.Spec.SharedServices["db"].Env["LITERAL"].ShouldBe("${KEEP}");
        defaults.Project.Spec.SharedServices["db"].Env["QUOTED"].ShouldBe("x");
        defaults.Warnings.ShouldBeEmpty();

        var set = InMemorySource.Load(File, new Dictionary<string, string?> { ["COAST_APP_PORT"] = "41000", ["WEB_PORT"] = "3002", ["DB_IMAGE"] = "pg:local" });
        set.Project.Spec.Ports["app"].ShouldBe(41000);
        set.Project.Spec.SharedServices["db"].Image.ShouldBe("pg:local");
    }

    [Fact]
    public void An_unset_unquoted_variable_is_one_warning_and_a_typed_error_not_a_syntax_error()
    {
        var e = Should.Throw<Coast.ApiTypes.Coastfile.CoastfileException>(() => InMemorySource.Load("[coast]\nname = \"a\"\n[ports]\nweb = ${NOPE}\n"));
        e.Problems.ShouldHaveSingleItem().ShouldBe("Coastfile: [ports] web: expected an integer, got a string");
    }
}
