using Coast.Tests.Infrastructure;
using Coast.ApiTypes.Model;

namespace Coast.Tests;

[Trait("Category", Category.Unit)]
public sealed class ResourceKeyTests
{
    [Fact]
    public void Key_round_trips_through_its_text_form()
    {
        var key = new ResourceKey("Instance", "crm", "dev-1");
        ResourceKey.Parse(key.ToString()).ShouldBe(key);
        ResourceKey.Parse("RemoteHost/box").ShouldBe(new ResourceKey("RemoteHost", "", "box"));
    }
}
