namespace Coast.Client.Database;

/// <summary>Finds the machine's PostgreSQL server programs: PATH first, then the newest /usr/lib/postgresql/N/bin.</summary>
public static class PostgresBinaries
{
    public static string Find(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(x => File.Exists(Path.Combine(x.Dir, "bin", program)))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (newest.Dir is not null) return Path.Combine(newest.Dir, "bin", program);
        }
        throw new PostgresUnavailableException(
            $"PostgreSQL program '{program}' not found. Install it (`apt-get install postgresql`) or set COAST_DATABASE_URL.");
    }
}

public sealed class PostgresUnavailableException(string message) : Exception(message);
