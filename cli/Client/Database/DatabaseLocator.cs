using Npgsql;

namespace Coast.Client.Database;

/// <summary>
/// Decides which database Coast uses: COAST_DATABASE_URL when set, otherwise the embedded private
/// cluster (started on first use). The embedded cluster lives in $COAST_HOME/postgres (default
/// ~/.coast/postgres); under root it lives in /var/lib/coast/postgres, because the server runs as the
/// `postgres` user, which cannot enter /root.
/// </summary>
public static class DatabaseLocator
{
    public const string UrlVariable = "COAST_DATABASE_URL";
    public const string DatabaseName = "coast";

    /// <summary>COAST_SCHEMA picks the schema (default "coast"), which keeps test runs apart.</summary>
    public static string Schema => Environment.GetEnvironmentVariable("COAST_SCHEMA") is { Length: > 0 } s ? s : "coast";

    public static string CoastHome =>
        Environment.GetEnvironmentVariable("COAST_HOME") is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".coast");

    public static ClusterLayout EmbeddedLayout =>
        Environment.GetEnvironmentVariable("COAST_HOME") is { Length: > 0 } || !PostgresCluster.RunningAsRoot
            ? new ClusterLayout(Path.Combine(CoastHome, "postgres"))
            : new ClusterLayout("/var/lib/coast/postgres");

    /// <summary>The external connection string, or null when the embedded cluster is in use.</summary>
    public static string? External() =>
        Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? ToConnectionString(url) : null;

    /// <summary>The connection string to use, starting the embedded cluster when needed. Every caller (each CLI
    /// command that needs the database, every controller start) first makes Coast's local state private.</summary>
    public static async Task<string> ResolveAsync(CancellationToken ct = default)
    {
        LocalState.Secure();
        if (External() is { } external) return external;
        var cluster = new PostgresCluster(EmbeddedLayout);
        await cluster.StartAsync(ct);
        return await cluster.EnsureDatabaseAsync(DatabaseName, ct);
    }

    /// <summary>Accepts postgres://user:pass@host:port/db URLs as well as Npgsql key=value strings.</summary>
    public static string ToConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : DatabaseName,
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2) builder.Password = Uri.UnescapeDataString(userInfo[1]);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2) builder[Uri.UnescapeDataString(kv[0]).Replace('_', ' ')] = Uri.UnescapeDataString(kv[1]);
        }
        return builder.ConnectionString;
    }

    /// <summary>A form safe to print: the password is removed.</summary>
    public static string Redact(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(b.Password)) b.Password = "***";
        return b.ConnectionString;
    }
}
