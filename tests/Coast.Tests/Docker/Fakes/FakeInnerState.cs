namespace Coast.Tests.Docker.Fakes;

/// <summary>What an instance's inner engine holds (kept in its DinD data volume): images, compose containers, and how its services behave.</summary>
public sealed class FakeInnerState
{
    public HashSet<string> Images { get; } = new();
    public List<FakeInnerContainer> Containers { get; } = new();

    /// <summary>The engine never answers (a broken dockerd inside).</summary>
    public bool NeverAnswers { get; set; }

    /// <summary>Services that exit as soon as they start: exit code and the lines they print.</summary>
    public Dictionary<string, (long ExitCode, string[] Logs)> Exits { get; } = new();

    /// <summary>Services the engine refuses to start, with its message.</summary>
    public Dictionary<string, string> StartRefusals { get; } = new();

    /// <summary>How many `docker load` streams were sent to it.</summary>
    public int Loads { get; set; }
}

/// <summary>A compose container inside an instance.</summary>
public sealed class FakeInnerContainer(string id, string project, string service, FakeInnerState owner, TimeProvider clock)
{
    public string Id { get; } = id;
    public string Project { get; } = project;
    public string Service { get; } = service;
    public string State { get; set; } = "created";
    public long ExitCode { get; set; }
    public string RestartPolicy { get; set; } = "no";
    public DateTimeOffset? StartedAt { get; private set; }
    public List<string> Logs { get; } = new();

    /// <summary>Starts it; a service in <see cref="FakeInnerState.Exits"/> exits at once with its code and lines.</summary>
    public void Start()
    {
        StartedAt = clock.GetUtcNow();
        if (owner.Exits.TryGetValue(Service, out var exit))
        {
            (State, ExitCode) = ("exited", exit.ExitCode);
            Logs.AddRange(exit.Logs);
        }
        else (State, ExitCode) = ("running", 0);
    }
}
