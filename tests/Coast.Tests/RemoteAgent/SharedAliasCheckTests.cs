using System.Net;
using Coast.ApiTypes.Remote;
using Coast.RemoteAgent.Runtime;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.RemoteAgent;

/// <summary>Shared-service aliases against the networks a remote machine uses: /proc/net/route parsing and the refusal.</summary>
[Trait("Category", Category.Unit)]
public sealed class SharedAliasCheckTests
{
    // A netns test host's table: its veth /30 and the engine's bridge, plus a VPN route into the benchmarking range.
    private const string ProcNetRoute = """
        Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
        eth0	00000000	01FAFA0A	0003	0	0	0	00000000	0	0	0
        cth1r	00ABFA0A	00000000	0001	0	0	0	FCFFFFFF	0	0	0
        docker0	00ABFB0A	00000000	0001	0	0	0	00FFFFFF	0	0	0
        tun0	000012C6	00000000	0001	0	0	0	0000FFFF	0	0	0
        """;

    private static RemoteSharedService Shared(string name, string alias) => new() { Name = name, Port = 5432, Alias = alias };

    [Fact]
    public void Proc_net_route_destinations_become_CIDRs_without_the_default_route()
    {
        RemoteNetworks.ParseRoutes(ProcNetRoute).ShouldBe(["10.250.171.0/30", "10.251.171.0/24", "198.18.0.0/16"]);
    }

    [Fact]
    public void An_alias_inside_a_real_network_is_refused_naming_the_alias_and_the_network()
    {
        var inUse = RemoteNetworks.ParseRoutes(ProcNetRoute).Select(r => (r, "route")).ToList();
        var message = SharedAliasCheck.Conflicts([Shared("postgres", "198.18.0.1"), Shared("redis", "198.18.0.2")], inUse);
        message.ShouldNotBeNull();
        message.ShouldContain("'postgres' alias 198.18.0.1 lies in 198.18.0.0/16 (route)");
        message.ShouldContain("'redis' alias 198.18.0.2 lies in 198.18.0.0/16 (route)");
        message.ShouldContain("198.18.0.0/15");
    }

    [Fact]
    public void Aliases_outside_every_network_in_use_pass()
    {
        List<(string, string)> inUse = [("10.250.171.0/30", "route"), ("10.251.171.0/24", "docker network bridge"), ("198.19.0.0/24", "docker network lab")];
        SharedAliasCheck.Conflicts([Shared("postgres", "198.18.0.1")], inUse).ShouldBeNull();
        SharedAliasCheck.Conflicts([Shared("postgres", "198.19.0.9")], inUse)!.ShouldContain("(docker network lab)");
    }

    [Theory]
    [InlineData("198.18.0.0/15", "198.19.255.254", true)]
    [InlineData("198.18.0.0/15", "198.20.0.1", false)]
    [InlineData("10.0.0.0/8", "10.255.0.1", true)]
    [InlineData("192.168.1.0/24", "192.168.2.1", false)]
    [InlineData("fd00::/8", "198.18.0.1", false)]
    public void Cidr_containment(string cidr, string address, bool inside)
    {
        SharedAliasCheck.Contains(cidr, IPAddress.Parse(address)).ShouldBe(inside);
    }
}
