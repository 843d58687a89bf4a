using Npgsql;

namespace Coast.Client.Store;

/// <summary>
/// Which shape of the store's tables a schema holds. The controller creates and migrates the schema with
/// Marten (CoastStore.EnsureSchemaAsync) and then writes <see cref="Version"/>; clients, which use plain SQL
/// on those tables, check it with one query and ask the controller's executable to migrate when it differs
/// (`coastd schema ensure`). Bump <see cref="Version"/> whenever the Marten mapping (CoastStore.Create) or
/// the version guard function changes.
/// </summary>
public static class SchemaMarker
{
    public const string Version = "store-2";

    public static string Table(string schema) => $"\"{schema}\".coast_schema_marker";

    /// <summary>Rejects schema names that are not lowercase letters, digits or '_' (they are spliced into SQL).</summary>
    public static void Validate(string schema)
    {
        if (schema.Length == 0 || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"schema '{schema}' must be lowercase letters, digits or '_'.");
    }

    public static async Task<bool> MatchesAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select build from {Table(schema)} where to_regclass('{Table(schema)}') is not null", conn);
        try
        {
            return await cmd.ExecuteScalarAsync(ct) is string build && build == Version;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return false;
        }
    }

    public static async Task WriteAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
    {
        await using (var table = new NpgsqlCommand(
            $"create table if not exists {Table(schema)} (build text not null); delete from {Table(schema)}", conn))
            await table.ExecuteNonQueryAsync(ct);
        await using var mark = new NpgsqlCommand($"insert into {Table(schema)} values ($1)", conn);
        mark.Parameters.AddWithValue(Version);
        await mark.ExecuteNonQueryAsync(ct);
    }
}
