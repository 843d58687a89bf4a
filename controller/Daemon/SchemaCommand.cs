using Coast.Client.Database;
using Coast.Controller.Store;

namespace Coast.Daemon;

/// <summary>`coastd schema ensure`: creates or migrates the store's tables with Marten (the CLI asks for this when the schema marker differs).</summary>
public static class SchemaCommand
{
    public static async Task<int> EnsureAsync(CancellationToken ct)
    {
        var connectionString = await DatabaseLocator.ResolveAsync(ct);
        using var store = await CoastStore.OpenAsync(connectionString, DatabaseLocator.Schema, ct);
        return 0;
    }
}
