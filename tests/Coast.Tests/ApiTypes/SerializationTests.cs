using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Serialization;
using Coast.ApiTypes.Validation;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.ApiTypes;

[Trait("Category", Category.Unit)]
public sealed class SerializationTests
{
    public static IEnumerable<object[]> EveryKind()
    {
        var project = ValidationTests.RichProject();
        project.Metadata.Uid = "u-1";
        project.Metadata.Generation = 3;
        project.Metadata.Annotations["note"] = "yes: quoted? 123";
        project.Metadata.Finalizers.Add("coast.dev/cleanup");
        project.Metadata.CreationTimestamp = DateTimeOffset.Parse("2026-11-22T10:00:00Z");
        project.Status.ObservedGeneration = 3;
        project.Status.Conditions.Add(new Condition { Type = "Ready", Status = "True", Reason = "Accepted", LastTransitionTime = DateTimeOffset.Parse("2026-11-22T10:00:01Z") });
        var instance = TestResources.Instance("dev-1");
        instance.Metadata.OwnerReferences.Add(new OwnerReference { Kind = "Project", Name = "demo", Uid = "u-1" });
        instance.Status.Ports.Add(new PortStatus { Name = "web", Canonical = 3000, Dynamic = 50123 });
        var build = new Build { Metadata = { Name = "b1", Namespace = "demo" }, Spec = { Project = "demo", CoastfileHash = "ab12" } };
        build.Status.Images["api"] = "coast-demo/api:b1";
        var host = new RemoteHost { Metadata = { Name = "box" }, Spec = { Host = "10.0.0.2", User = "coast", HostKey = "SHA256:x" } };
        var tunnel = TestResources.Tunnel();
        tunnel.Status.Forwards.Add(new TunnelPortStatus { Name = "web", LocalPort = 41000, RemotePort = 52340, Healthy = true, LastProbe = DateTimeOffset.Parse("2026-11-22T10:00:02Z") });
        tunnel.Status.LastHeal = DateTimeOffset.Parse("2026-11-22T10:00:03Z");
        var sync = TestResources.SyncSession();
        (sync.Status.Engine, sync.Status.LastBytes, sync.Status.LagMs) = ("watcher", 1234, 80);
        return [[project], [instance], [TestResources.Checkout(instance: "dev-1")], [build], [host], [tunnel], [sync]];
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Yaml_and_json_round_trip_exactly(Resource resource)
    {
        var json = ResourceJson.Serialize(resource);
        ResourceJson.Serialize(ResourceJson.Deserialize(json)).ShouldBe(json);
        var yaml = ResourceYaml.Serialize(resource);
        var back = ResourceYaml.DeserializeAll(yaml, "test.yaml").ShouldHaveSingleItem();
        ResourceJson.Serialize(back).ShouldBe(json);
    }

    [Fact]
    public void Multi_document_yaml_reads_every_document_and_skips_empty_ones()
    {
        var yaml = ResourceYaml.SerializeAll([TestResources.Project(), TestResources.Instance("a")]) + "---\n---\n";
        var all = ResourceYaml.DeserializeAll(yaml, "multi.yaml");
        all.Select(r => r.Kind).ShouldBe(["Project", "Instance"]);
    }

    [Fact]
    public void Quoted_scalars_stay_strings_and_plain_numbers_become_numbers()
    {
        var yaml = """
            apiVersion: coast.dev/v1alpha1
            kind: Project
            metadata: { name: demo, namespace: demo, labels: { version: "1.0" } }
            spec:
              ports: { web: 3000 }
            """;
        var p = (Project)ResourceYaml.DeserializeAll(yaml, "q.yaml").Single();
        p.Metadata.Labels["version"].ShouldBe("1.0");
        p.Spec.Ports["web"].ShouldBe(3000);
    }

    [Theory]
    [InlineData("apiVersion: coast.dev/v1alpha1\nkind: Project\nmetadata: {name: a, namespace: a}\nspec: {portz: {}}\n", "spec.portz: unknown field")]
    [InlineData("apiVersion: coast.dev/v1alpha1\nkind: Gadget\nmetadata: {name: a}\n", "kind: unknown kind 'Gadget'")]
    [InlineData("apiVersion: v1\nkind: Project\nmetadata: {name: a}\n", "apiVersion: must be coast.dev/v1alpha1")]
    [InlineData("apiVersion: coast.dev/v1alpha1\nkind: Project\nmetadata: {name: a, namespace: a}\nspec: {ports: {web: abc}}\n", "spec.ports.web: wrong type")]
    [InlineData("kind: Project\n  bad: indent\n: x", "line ")]
    public void Bad_manifests_give_a_located_message(string yaml, string expected)
    {
        var e = Should.Throw<ManifestException>(() => ResourceYaml.DeserializeAll(yaml, "bad.yaml"));
        e.Problems.ShouldContain(m => m.StartsWith("bad.yaml") && m.Contains(expected), string.Join(" | ", e.Problems));
    }

    [Fact]
    public void A_sync_session_without_filters_gets_the_seed_excludes_and_protect_rules_and_an_empty_list_means_none()
    {
        const string head = "apiVersion: coast.dev/v1alpha1\nkind: SyncSession\nmetadata: {name: a, namespace: demo}\n";
        var s = (SyncSession)ResourceYaml.DeserializeAll(head + "spec: {project: demo, remoteHost: box, localPath: /w, remotePath: /r}\n", "s.yaml").Single();
        s.Spec.Excludes.ShouldBe(SyncSessionSpec.DefaultExcludes);
        s.Spec.Protect.ShouldBe(SyncSessionSpec.DefaultProtect);
        s.Spec.Mode.ShouldBe(SyncModes.OneShot);
        var none = (SyncSession)ResourceYaml.DeserializeAll(head + "spec: {project: demo, remoteHost: box, localPath: /w, remotePath: /r, excludes: [], protect: [gen/]}\n", "s.yaml").Single();
        none.Spec.Excludes.ShouldBeEmpty();
        none.Spec.Protect.ShouldBe(["gen/"]);
    }

    [Fact]
    public void Example_manifests_load_and_validate()
    {
        var dir = Path.Combine(RepoRoot.Path, "manifests", "examples");
        var files = Directory.GetFiles(dir, "*.yaml");
        files.ShouldNotBeEmpty();
        foreach (var file in files)
            foreach (var r in ResourceYaml.DeserializeAll(File.ReadAllText(file), file))
                ResourceValidator.Validate(r).ShouldBeEmpty($"{file}: {r.Key}");
    }
}
