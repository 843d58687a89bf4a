using System.Security.Cryptography;

namespace Coast.Controller.Remote.Hosts;

/// <summary>
/// Where this machine keeps the agent `coast remote setup` installs: a self-contained linux-x64 publish of
/// remote-agent/ (one file, `coast-agent`; the remote needs no .NET), made by scripts/publish-agent.sh.
/// The directory is $COAST_AGENT_DIST, default $COAST_HOME/agent/linux-x64. A build is named by the first
/// 12 hex digits of the binary's SHA-256, so "same build" is exact, not a version string that every build shares.
/// </summary>
public sealed class AgentDistribution(string directory)
{
    public const string BinaryName = "coast-agent";
    private (long Length, DateTime Modified, PublishedAgent Agent)? _cached;

    public string Directory { get; } = directory;
    public string BinaryPath => Path.Combine(Directory, BinaryName);

    public static AgentDistribution FromEnvironment() => new(
        Environment.GetEnvironmentVariable("COAST_AGENT_DIST") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Coast.Client.Database.DatabaseLocator.CoastHome, "agent", "linux-x64"));

    /// <summary>The published agent, or null when none is there (the caller says how to make one).</summary>
    public PublishedAgent? Find()
    {
        var file = new FileInfo(BinaryPath);
        if (!file.Exists) return null;
        if (_cached is { } c && c.Length == file.Length && c.Modified == file.LastWriteTimeUtc) return c.Agent;
        using var stream = file.OpenRead();
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        var agent = new PublishedAgent(file.FullName, sha, file.Length);
        _cached = (file.Length, file.LastWriteTimeUtc, agent);
        return agent;
    }

    public string MissingMessage =>
        $"no published agent at {BinaryPath}: run `scripts/publish-agent.sh` (dotnet publish remote-agent -c Release -r linux-x64 " +
        "--self-contained) or point COAST_AGENT_DIST at a directory holding coast-agent, then `coast remote setup` again";
}

/// <summary>One published agent binary: its path, full SHA-256 and size. <see cref="Build"/> names its install directory.</summary>
public sealed record PublishedAgent(string Path, string Sha256, long Length)
{
    public string Build => Sha256[..12];
}
