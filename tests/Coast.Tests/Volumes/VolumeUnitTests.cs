using Coast.ApiTypes.Compose;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Validation;
using Coast.Controller.Compose;
using Coast.Controller.Instances;
using Coast.Controller.Instances.Volumes;
using Coast.Tests.Coastfile;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Volumes;

/// <summary>[volumes]: names, where the DinD mounts them, the compose rewrite, and validation with Coastfile paths.</summary>
[Trait("Category", Category.Unit)]
public sealed class VolumeUnitTests
{
    private static Project Project(string volumes, string services = "") =>
        InMemorySource.Load($"[coast]\nname = \"p\"\ncompose = \"c.yml\"\n{services}\n{volumes}").Project;

    private static Instance Instance(string name) => new() { Metadata = { Name = name, Namespace = "p", Uid = "u1" }, Spec = { Project = "p" } };

    [Fact]
    public void Volumes_are_named_per_instance_or_per_project_and_mounted_where_their_service_runs()
    {
        var project = Project("""
            [volumes.pg]
            strategy = "shared"
            service = "db"
            mount = "/var/lib/postgresql/data"
            [volumes.cache]
            service = "worker"
            mount = "/cache"
            """, "[services.worker]\ncommand = \"sleep 1\"");
        var volumes = InstanceVolumes.For(project, Instance("dev-1"));
        volumes.Single(v => v.Key == "pg").ShouldBe(new InstanceVolume("pg", project.Spec.Volumes["pg"], "coast-shared--p--pg", "/coast/volumes/pg", ForCompose: true));
        volumes.Single(v => v.Key == "cache").ShouldBe(new InstanceVolume("cache", project.Spec.Volumes["cache"], "coast--p--dev-1--cache", "/cache", ForCompose: false));
        InstanceVolumes.Labels(project, Instance("dev-1"), volumes.Single(v => v.Key == "cache")).ShouldContainKey("coast.instance");
        InstanceVolumes.Labels(project, Instance("dev-1"), volumes.Single(v => v.Key == "pg")).ShouldNotContainKey("coast.instance");
    }

    [Fact]
    public void Volumes_are_part_of_the_container_plan_and_its_hash()
    {
        var without = Project("");
        var with = Project("[volumes.pg]\nservice = \"db\"\nmount = \"/data\"");
        var settings = InstanceSettings.FromEnvironment();
        var a = InstanceContainerPlan.For(Instance("dev-1"), without, "img", settings);
        var b = InstanceContainerPlan.For(Instance("dev-1"), with, "img", settings);
        a.Volumes.ShouldBeEmpty();
        b.Volumes.ShouldBe([("coast--p--dev-1--pg", "/coast/volumes/pg")]);
        a.Labels["coast.dev/spec-hash"].ShouldNotBe(b.Labels["coast.dev/spec-hash"]);
    }

    [Fact]
    public void The_compose_named_volume_becomes_a_bind_of_the_coast_volume()
    {
        var compose = ComposeFile.Parse("""
            services:
              db:
                image: pg
                volumes:
                  - pgdata:/var/lib/postgresql/data
                  - ./init:/docker-entrypoint-initdb.d
              api:
                image: api
                volumes:
                  - type: volume
                    source: uploads
                    target: /app/uploads
              other:
                image: o
                volumes:
                  - keep:/keep
            volumes:
              pgdata:
              uploads:
              keep:
            """, "c.yml");
        ComposeVolumes.Apply(compose, [
            new("pgdata", "db", "/var/lib/postgresql/data", "/coast/volumes/pgdata"),
            new("uploads", "api", "/app/uploads", "/coast/volumes/uploads"),
            new("extra", "other", "/extra", "/coast/volumes/extra"),
        ]);
        var text = compose.Serialize();
        text.ShouldContain("- /coast/volumes/pgdata:/var/lib/postgresql/data");
        text.ShouldContain("- ./init:/docker-entrypoint-initdb.d");
        text.ShouldContain("- /coast/volumes/uploads:/app/uploads");
        text.ShouldContain("- /coast/volumes/extra:/extra");
        text.ShouldNotContain("pgdata:\n");
        text.ShouldNotContain("  uploads:");
        text.ShouldContain("  keep:");
        Should.Throw<ComposeException>(() => ComposeVolumes.Apply(compose, [new("x", "nope", "/x", "/coast/volumes/x")]))
            .Message.ShouldContain("[volumes.x] service 'nope' is not a service of it");
    }

    [Fact]
    public void Bad_volume_entries_are_reported_with_their_coastfile_keys()
    {
        var e = Should.Throw<Coast.ApiTypes.Coastfile.CoastfileException>(() => Project("""
            [volumes.a]
            strategy = "sometimes"
            mount = "relative"
            [volumes.b]
            strategy = "shared"
            service = "db"
            mount = "/data"
            snapshot_source = "seed"
            """));
        e.Problems.ShouldContain("Coastfile: [volumes.a] strategy: 'sometimes' must be one of: isolated, shared");
        e.Problems.ShouldContain("Coastfile: [volumes.a] service: required");
        e.Problems.ShouldContain("Coastfile: [volumes.a] mount: 'relative' must be an absolute path");
        e.Problems.ShouldContain("Coastfile: [volumes.b] snapshot_source: only allowed with strategy 'isolated'");
    }
}
