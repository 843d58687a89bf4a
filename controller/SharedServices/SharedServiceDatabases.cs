using Coast.ApiTypes.Kinds;
using Coast.Controller.Docker;

namespace Coast.Controller.SharedServices;

/// <summary>auto_create_db: one Postgres database per instance, made with psql inside the shared container.</summary>
public static class SharedServiceDatabases
{
    /// <summary>The instance's database: its name with '-' as '_' (instance names are DNS labels, so this is one-to-one).</summary>
    public static string NameFor(string instance) => instance.Replace('-', '_');

    public static string User(SharedServiceSpec spec) => spec.Env.GetValueOrDefault("POSTGRES_USER") is { Length: > 0 } u ? u : "postgres";

    /// <summary>True when the server answers a query (it takes a few seconds after the container starts).</summary>
    public static async Task<bool> AnswersAsync(IContainerEngine engine, string container, SharedServiceSpec spec, CancellationToken ct) =>
        (await engine.ExecAsync(container, ["psql", "-U", User(spec), "-d", "postgres", "-tAc", "select 1"], null, ct)).ExitCode == 0;

    /// <summary>Creates the database when it is missing (idempotent); a failure names the database and psql's error.</summary>
    public static async Task EnsureAsync(IContainerEngine engine, string container, SharedServiceSpec spec, string database, CancellationToken ct)
    {
        var user = User(spec);
        // psql -c does not expand :'db'; the query goes on stdin, where variables are expanded (and quoted).
        var exists = await engine.ExecAsync(container, ["psql", "-U", user, "-d", "postgres", "-tA", "-v", $"db={database}"],
            "select 1 from pg_database where datname = :'db';\n", ct);
        if (exists.ExitCode == 0 && exists.StandardOutput.Trim() == "1") return;
        var create = await engine.ExecAsync(container, ["psql", "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-v", $"db={database}"],
            "create database :\"db\";\n", ct);
        if (create.ExitCode != 0 && !create.StandardError.Contains("already exists"))
            throw new InvalidOperationException($"creating database '{database}' failed: {create.StandardError.Trim()}");
    }
}
