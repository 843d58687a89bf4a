using Coast.Controller.Store;
using Coast.Tests.Infrastructure;
using Coast.Client.Store;

namespace Coast.Tests.Store;

/// <summary>Gives each test class a CoastStore on its own schema, dropped afterwards.</summary>
public abstract class StoreTestBase(PostgresFixture pg) : IAsyncLifetime
{
    protected PostgresFixture Pg { get; } = pg;
    protected string Schema { get; } = pg.NewSchema();
    protected CoastStore Coast { get; private set; } = null!;
    protected virtual IResourceStore Store => Coast.Resources;

    public virtual async Task InitializeAsync()
    {
        Coast = await CoastStore.OpenAsync(Pg.ConnectionString, Schema);
    }

    public virtual async Task DisposeAsync()
    {
        Coast.Dispose();
        await Pg.DropSchemaAsync(Schema);
    }
}
