using System.Reflection;
using Coast.Cli;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>The CLI stays small and native: it reaches state through api-types and the client only (docs/architecture.md).</summary>
[Trait("Category", Category.Unit)]
public sealed class CliDependencyTests
{
    private static readonly string[] Forbidden = ["Coast.Controller", "coastd", "Marten", "Docker.DotNet", "Renci.SshNet", "Microsoft.Extensions.Hosting"];

    [Fact]
    public void Neither_the_CLI_nor_anything_it_loads_references_the_controller_Marten_Docker_or_SSH()
    {
        var seen = new HashSet<string>();
        var pending = new Queue<Assembly>([typeof(CoastCli).Assembly]);
        while (pending.TryDequeue(out var assembly))
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!seen.Add(reference.Name!)) continue;
                Forbidden.ShouldNotContain(reference.Name!, $"{assembly.GetName().Name} references {reference.Name}");
                if (reference.Name!.StartsWith("Coast.", StringComparison.Ordinal)) pending.Enqueue(Assembly.Load(reference));
            }
        seen.ShouldContain("Coast.Client");
        seen.ShouldContain("Coast.ApiTypes");
    }
}
