using Coast.Tests.Infrastructure;
using Coast.Client.Database;
using Npgsql;

namespace Coast.Tests.Client.Database;

[Trait("Category", Category.Unit)]
public sealed class DatabaseLocatorTests
{
    [Fact]
    public void Url_form_becomes_an_npgsql_connection_string()
    {
        var b = new NpgsqlConnectionStringBuilder(DatabaseLocator.ToConnectionString("postgres://alice:s%40cret@db.local:6543/coastdb"));
        b.Host.ShouldBe("db.local");
        b.Port.ShouldBe(6543);
        b.Username.ShouldBe("alice");
        b.Password.ShouldBe("s@cret");
        b.Database.ShouldBe("coastdb");
    }

    [Fact]
    public void Key_value_form_is_kept_and_redaction_hides_the_password()
    {
        var cs = DatabaseLocator.ToConnectionString("Host=/tmp/x;Port=5433;Username=coast;Password=hunter2;Database=coast");
        new NpgsqlConnectionStringBuilder(cs).Host.ShouldBe("/tmp/x");
        DatabaseLocator.Redact(cs).ShouldNotContain("hunter2");
    }
}

[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task A_private_cluster_initializes_starts_answers_and_stops()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"coast-pgc-{Guid.NewGuid().ToString("N")[..8]}");
        var cluster = new PostgresCluster(new ClusterLayout(dir));
        try
        {
            (await cluster.StatusAsync()).Initialized.ShouldBeFalse();
            await cluster.StartAsync();
            await cluster.StartAsync(); // idempotent
            var status = await cluster.StatusAsync();
            status.Running.ShouldBeTrue();
            status.Pid.ShouldNotBeNull();

            var cs = await cluster.EnsureDatabaseAsync("coast");
            await using (var conn = new NpgsqlConnection(cs))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("select current_database()", conn);
                (await cmd.ExecuteScalarAsync()).ShouldBe("coast");
            }
            // Only the unix socket: no TCP listener.
            File.ReadAllText(Path.Combine(cluster.Layout.DataDir, "postgresql.auto.conf")).ShouldContain("listen_addresses = ''");

            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync();
            (await cluster.StatusAsync()).Running.ShouldBeFalse();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
