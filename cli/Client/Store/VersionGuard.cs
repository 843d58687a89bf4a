using Npgsql;

namespace Coast.Client.Store;

/// <summary>
/// Enforces optimistic concurrency inside the writing transaction: before a staged write, a guard locks
/// the row and raises SQLSTATE CO409 unless it still has the version the writer read. Row locking makes
/// the check and the write atomic against concurrent committers. (Marten's own expected-version check
/// did not fire in this setup, so the guarantee is made explicit here and covered by tests.)
/// </summary>
public sealed class VersionGuard(string connectionString, string schema)
{
    public const string ConflictState = "CO409";
    private readonly SemaphoreSlim _once = new(1, 1);
    private bool _installed;

    public async Task EnsureInstalledAsync(CancellationToken ct)
    {
        if (_installed) return;
        await _once.WaitAsync(ct);
        try
        {
            if (_installed) return;
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            var sql = $"""
                create schema if not exists "{schema}";
                create or replace function "{schema}".coast_expect_version(doc_id varchar, expected uuid) returns void
                language plpgsql as $$
                declare found_version uuid;
                begin
                  execute format('select mt_version from %I.mt_doc_resourcedocument where id = $1 for update', '{schema}')
                    into found_version using doc_id;
                  if found_version is distinct from expected then
                    raise exception 'resource % was modified concurrently', doc_id using errcode = '{ConflictState}';
                  end if;
                end $$;
                """;
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync(ct);
            _installed = true;
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>The guard call for a batch, with the placeholders the caller's client uses for id and expected version.</summary>
    public string CallSql(string idParameter, string versionParameter) =>
        $"select \"{schema}\".coast_expect_version({idParameter}, {versionParameter}::uuid)";

    public static bool IsConflict(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is PostgresException { SqlState: ConflictState }) return true;
        return false;
    }
}
