using Coast.Controller.Compose;
using Coast.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using Coast.ApiTypes.Compose;

namespace Coast.Tests.Compose;

[Trait("Category", Category.Unit)]
public sealed class ComposeRewriterTests
{
    private const string Crm = """
        version: "3.8"
        services:
          backend:
            build:
              context: ./backend
              dockerfile: Dockerfile.dev
              args: { MIX_ENV: dev }
            ports: ["4000:4000"]
            depends_on: [postgres, redis]
            labels: { keep: "me" }
          worker:
            image: worker:local
            depends_on:
              postgres: { condition: service_healthy }
              backend: { condition: service_started }
          postgres:
            image: postgres:16
            volumes: ["pgdata:/var/lib/postgresql/data"]
          redis:
            image: redis:7
        volumes:
          pgdata: {}
          uploads: {}
        """;

    private static YamlMappingNode Parse(string text)
    {
        var s = new YamlStream();
        s.Load(new StringReader(text));
        return (YamlMappingNode)s.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(YamlMappingNode root, string name) =>
        (YamlMappingNode)((YamlMappingNode)root["services"])[name];

    [Fact]
    public void Shared_services_their_dependencies_and_volumes_go_and_builds_become_images()
    {
        var file = ComposeFile.Parse(Crm, "docker-compose.yml");
        file.BuildOf("backend")!.Dockerfile.ShouldBe("Dockerfile.dev");
        file.BuildOf("backend")!.Args["MIX_ENV"].ShouldBe("dev");
        var text = ComposeRewriter.Rewrite(file, new ComposeRewriteOptions(
            new Dictionary<string, string> { ["backend"] = "coast-crm/backend:b1" }, [], ["postgres", "redis"], "172.17.0.1"));
        var root = Parse(text);
        ((YamlMappingNode)root["services"]).Children.Keys.Select(k => k.ToString()).ShouldBe(["backend", "worker"]);
        var backend = Service(root, "backend");
        backend["image"].ToString().ShouldBe("coast-crm/backend:b1");
        backend.Children.ContainsKey("build").ShouldBeFalse();
        backend.Children.ContainsKey("depends_on").ShouldBeFalse(); // list form, both entries shared
        ((YamlSequenceNode)backend["extra_hosts"]).Select(x => x.ToString()).ShouldBe(["postgres:172.17.0.1", "redis:172.17.0.1"]);
        ((YamlMappingNode)backend["labels"])["keep"].ToString().ShouldBe("me"); // untouched fields survive
        ((YamlMappingNode)Service(root, "worker")["depends_on"]).Children.Keys.Select(k => k.ToString()).ShouldBe(["backend"]); // map form
        ((YamlMappingNode)root["volumes"]).Children.Keys.Select(k => k.ToString()).ShouldBe(["uploads"]); // pgdata only served postgres
    }

    [Fact]
    public void Two_services_publishing_one_host_port_is_an_error_naming_both()
    {
        var file = ComposeFile.Parse("services:\n  a: { image: x, ports: [\"3000:3000\"] }\n  b: { image: y, ports: [\"127.0.0.1:3000:80\"] }\n", "c.yml");
        Should.Throw<ComposeException>(() => ComposeRewriter.Rewrite(file, new ComposeRewriteOptions(new Dictionary<string, string>(), [], [], null)))
            .Message.ShouldContain("'a' and 'b' both publish host port 3000");
    }

    [Theory]
    [InlineData("services:\n  api: [unclosed\n", "line")]
    [InlineData("just a string\n", "expected a mapping")]
    [InlineData("version: '3'\n", "no 'services' section")]
    [InlineData("services:\n  api: 5\n", "service 'api' must be a mapping")]
    public void Unusable_compose_files_give_one_clear_error(string text, string expected)
    {
        var e = Should.Throw<ComposeException>(() => ComposeFile.Parse(text, "docker-compose.yml"));
        e.Message.ShouldStartWith("compose file docker-compose.yml");
        e.Message.ShouldContain(expected);
    }

    [Fact]
    public void The_example_project_parses_and_rewrites()
    {
        var path = Path.Combine(RepoRoot.Path, "examples", "hello-stack", "docker-compose.yml");
        var file = ComposeFile.Parse(File.ReadAllText(path), "docker-compose.yml");
        file.BuildOf("api").ShouldNotBeNull();
        file.ImageOf("web").ShouldBe("coast/base:bookworm");
        var text = ComposeRewriter.Rewrite(file, new ComposeRewriteOptions(new Dictionary<string, string> { ["api"] = "coast-hello-stack/api:b1" }, [], [], null));
        text.ShouldContain("image: coast-hello-stack/api:b1");
        text.ShouldContain("./web:/www:ro");
    }
}
