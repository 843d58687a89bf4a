using Coast.Controller.Docker;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Docker;

[Trait("Category", Category.Unit)]
public sealed class CoastLabelsTests
{
    [Fact]
    public void Extra_labels_are_read_as_key_value_pairs_and_malformed_entries_are_ignored() =>
        CoastLabels.ParseExtra(" coast.test.run=ab12 , team=web,novalue,=x,").ShouldBe(
            new Dictionary<string, string> { ["coast.test.run"] = "ab12", ["team"] = "web" });

    [Fact]
    public void No_variable_means_no_extra_labels() => CoastLabels.ParseExtra(null).ShouldBeEmpty();

    [Fact]
    public void Stamping_keeps_every_given_label_and_adds_the_extra_ones()
    {
        var stamped = CoastLabels.Stamp(new Dictionary<string, string> { [CoastLabels.Project] = "p" });
        stamped[CoastLabels.Project].ShouldBe("p");
        foreach (var (k, v) in CoastLabels.Extra) if (k != CoastLabels.Project) stamped[k].ShouldBe(v);
    }
}
