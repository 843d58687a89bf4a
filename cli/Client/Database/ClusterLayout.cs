namespace Coast.Client.Database;

/// <summary>Where a private cluster keeps its files. The unix socket is the only way in (no TCP).</summary>
public sealed record ClusterLayout(string BaseDir, int Port = 5433)
{
    public string DataDir => Path.Combine(BaseDir, "data");
    public string SocketDir => Path.Combine(BaseDir, "run");
    public string LogFile => Path.Combine(BaseDir, "postgres.log");
    public string LockFile => Path.Combine(BaseDir, ".coast-lock");

    /// <summary>Superuser created by initdb; reachable on the socket only, by peer authentication of root and the owner.</summary>
    public const string User = "coast";

    public string ConnectionString(string database) =>
        $"Host={SocketDir};Port={Port};Username={User};Database={database};Pooling=true;Timeout=15";
}
