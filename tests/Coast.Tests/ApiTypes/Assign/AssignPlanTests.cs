using Coast.ApiTypes.Assign;
using Coast.ApiTypes.Kinds;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.ApiTypes.Assign;

[Trait("Category", Category.Unit)]
public sealed class AssignPlanTests
{
    private static readonly AssignSpec Spec = new()
    {
        Default = "hot",
        Services = { ["api"] = "rebuild", ["db"] = "none", ["worker"] = "restart" },
        RebuildTriggers = { ["api"] = ["api/Dockerfile", "api/package.json"] },
    };

    [Fact]
    public void Each_service_gets_its_own_action_or_the_default_and_a_rebuild_needs_a_changed_trigger()
    {
        var untouched = AssignPlan.For(Spec, ["web", "api", "db", "worker"], _ => false).ToDictionary(s => s.Service);
        untouched["web"].Action.ShouldBe("hot");
        untouched["web"].Why.ShouldContain("[assign] default");
        untouched["db"].Action.ShouldBe("none");
        untouched["worker"].Action.ShouldBe("restart");
        untouched["api"].Configured.ShouldBe("rebuild");
        untouched["api"].Action.ShouldBe("restart");
        untouched["api"].Why.ShouldContain("restart instead");

        var changed = AssignPlan.For(Spec, ["api"], f => f == "api/package.json").Single();
        changed.Action.ShouldBe("rebuild");
        changed.Why.ShouldContain("api/package.json changed");
    }

    [Fact]
    public void Without_an_assign_table_every_service_restarts()
    {
        AssignPlan.For(new AssignSpec(), ["a", "b"], _ => true).Select(s => s.Action).ShouldBe(["restart", "restart"]);
    }
}
