using System.Diagnostics;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Cli;

/// <summary>A real `coast` binary on its own schema and Coast home; processes the test starts are killed and everything is removed afterwards.</summary>
public abstract class CliTestBase : IAsyncLifetime
{
    protected CliTestBase(PostgresFixture pg, string homePrefix)
    {
        Pg = pg;
        Schema = pg.NewSchema();
        Home = Path.Combine(Path.GetTempPath(), $"{homePrefix}-{Guid.NewGuid().ToString("N")[..8]}");
        Coast = new CoastProcess(pg, Schema, Home);
    }

    protected PostgresFixture Pg { get; }
    protected string Schema { get; }
    protected string Home { get; }
    protected CoastProcess Coast { get; }

    /// <summary>Processes to kill when the test ends.</summary>
    protected List<Process> Started { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var p in Started.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
        foreach (var p in Started) { await p.WaitForExitAsync(); p.Dispose(); }
        await Pg.DropSchemaAsync(Schema);
        if (Directory.Exists(Home)) Directory.Delete(Home, recursive: true);
    }
}
