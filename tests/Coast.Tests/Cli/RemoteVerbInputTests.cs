using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Validation;
using Coast.Cli.Commands;
using Coast.Cli.Infrastructure;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>What `coast remote add` and `setup` accept before anything is written: targets, fingerprints, the agent fields.</summary>
[Trait("Category", Category.Unit)]
public sealed class RemoteVerbInputTests
{
    [Theory]
    [InlineData("root@10.250.3.2", "root", "10.250.3.2", 22)]
    [InlineData("dev@box.example:2222", "dev", "box.example", 2222)]
    [InlineData("me@[fd00::2]:22", "me", "fd00::2", 22)]
    public void Targets_parse(string value, string user, string host, int port) =>
        RemoteTargetParser.Parse(value).ShouldBe((user, host, port));

    [Theory]
    [InlineData("10.250.3.2")]
    [InlineData("root@")]
    [InlineData("root@host:0")]
    [InlineData("root@host:99999")]
    [InlineData("-oProxyCommand=x@host")]
    [InlineData("root@host;rm")]
    public void Bad_targets_are_usage_errors_naming_the_value(string value)
    {
        var e = Should.Throw<CliException>(() => RemoteTargetParser.Parse(value));
        e.ExitCode.ShouldBe(ExitCodes.Usage);
        e.Message.ShouldContain("'");
    }

    [Fact]
    public void Only_openssh_sha256_fingerprints_are_accepted()
    {
        RemoteTargetParser.Fingerprint("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s").ShouldStartWith("SHA256:");
        foreach (var bad in new[] { "SHA256:short", "MD5:aa:bb", "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" })
            Should.Throw<CliException>(() => RemoteTargetParser.Fingerprint(bad)).Message.ShouldContain("--accept-host-key");
    }

    [Fact]
    public void The_agent_fields_are_validated_with_their_paths()
    {
        var host = new RemoteHost { Metadata = { Name = "box" }, Spec = { Host = "10.0.0.2", User = "root" } };
        ResourceValidator.Validate(host).ShouldBeEmpty();
        host.Spec.Agent = "auto";
        host.Spec.AgentDir = "-x dir";
        var problems = ResourceValidator.Validate(host).Select(p => p.Path).ToList();
        problems.ShouldContain("spec.agent");
        problems.ShouldContain("spec.agentDir");
    }
}
