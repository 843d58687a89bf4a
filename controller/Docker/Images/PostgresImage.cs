namespace Coast.Controller.Docker.Images;

/// <summary>
/// A Postgres image for shared services without a registry: Debian's postgresql-15 on Coast's base image, with
/// an entrypoint that behaves like the usual one for what Coastfiles use (POSTGRES_USER, POSTGRES_PASSWORD,
/// data in PGDATA, default /var/lib/postgresql/data; password auth over TCP, trust over the local socket so
/// `psql -U postgres` inside the container works). Built once and reused while its recipe label matches.
/// </summary>
public static class PostgresImage
{
    public const string Tag = "coast/postgres:15";

    public const string Dockerfile = """
        FROM coast/base:bookworm
        RUN mkdir -p /etc/postgresql-common \
         && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
         && apt-get update \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
         && rm -rf /var/lib/apt/lists/*
        COPY coast-postgres /usr/local/bin/coast-postgres
        RUN chmod 755 /usr/local/bin/coast-postgres
        ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
        EXPOSE 5432
        STOPSIGNAL SIGINT
        ENTRYPOINT ["/usr/local/bin/coast-postgres"]
        """;

    public const string Entrypoint = """
        #!/bin/sh
        set -e
        user="${POSTGRES_USER:-postgres}"
        mkdir -p "$PGDATA" /run/postgresql
        chown -R postgres:postgres "$PGDATA" /run/postgresql
        chmod 700 "$PGDATA"
        if [ ! -s "$PGDATA/PG_VERSION" ]; then
          pw=$(mktemp)
          printf '%s\n' "${POSTGRES_PASSWORD:-postgres}" > "$pw"
          chown postgres "$pw"
          runuser -u postgres -- initdb -D "$PGDATA" -U "$user" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
          rm -f "$pw"
          printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
        fi
        exec runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql
        """;

    public static readonly ServiceImageRecipe Recipe = new(Tag, Dockerfile,
        new Dictionary<string, string> { ["coast-postgres"] = Entrypoint }, $"building {Tag} (Debian postgresql-15); about a minute");

    /// <summary>Builds the image unless one with this recipe exists.</summary>
    public static Task<string> EnsureAsync(string workDir, IProgress<string> progress, CancellationToken ct = default) =>
        Recipe.EnsureAsync(workDir, progress, ct);
}
