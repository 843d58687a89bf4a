namespace Coast.Controller.Docker.Images;

/// <summary>
/// Reads the legacy builder's output: the step being run, the image each finished step produced, and the
/// lines a step printed, so a failure names its step and the builder's own error line (from stderr), not
/// the last progress line ("---> Running in ...").
/// </summary>
public sealed class BuildOutput
{
    private readonly Queue<string> _stepOutput = new();

    /// <summary>"Step 3/4 : RUN make" of the step running or last run.</summary>
    public string? Step { get; private set; }

    /// <summary>The image of the last finished step: on a failure, the dangling top of what was built.</summary>
    public string? LastImage { get; private set; }

    /// <summary>The last lines the running step printed (its command's output).</summary>
    public IReadOnlyCollection<string> StepOutput => _stepOutput;

    public void Add(string line)
    {
        if (line.StartsWith("Step "))
        {
            Step = line;
            _stepOutput.Clear();
            return;
        }
        var trimmed = line.Trim();
        if (trimmed.StartsWith("---> "))
        {
            var rest = trimmed[5..].Trim();
            if (rest.Length > 0 && rest.All(Uri.IsHexDigit)) LastImage = rest;
            return;
        }
        if (trimmed.Length == 0 || trimmed == "--->" || trimmed.StartsWith("Removing intermediate container")
            || trimmed.StartsWith("Sending build context")) return;
        _stepOutput.Enqueue(trimmed);
        if (_stepOutput.Count > 5) _stepOutput.Dequeue();
    }

    /// <summary>The builder's error: the last stderr line that is not the legacy builder's deprecation notice.</summary>
    public static string? ErrorLine(string stderr) =>
        stderr.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("DEPRECATED:") && !l.StartsWith("BuildKit is currently disabled")
                        && !l.StartsWith("environment-variable") && !l.StartsWith("Install the buildx component"))
            .LastOrDefault();
}

/// <summary>A `docker build` failed: which step, the builder's error line and what the step printed last.</summary>
public sealed class ImageBuildException(string tag, string? step, string error, IReadOnlyCollection<string> stepOutput)
    : Exception(Describe(tag, step, error, stepOutput))
{
    public string? Step { get; } = step;
    public string Error { get; } = error;

    /// <summary>"step 4/4 (RUN make) failed: error; last output: ..." without the tag (callers name what was built).</summary>
    public string Cause { get; } = Describe(null, step, error, stepOutput);

    private static string Describe(string? tag, string? step, string error, IReadOnlyCollection<string> output)
    {
        var where = step is null ? "" : $"{step.Replace("Step ", "step ").Replace(" : ", " (", StringComparison.Ordinal)}) ";
        var said = output.Count == 0 || output.Last() == error ? "" : $"; last output: {string.Join(" | ", output.TakeLast(3))}";
        return $"{(tag is null ? "" : $"docker build of {tag}: ")}{where}failed: {error}{said}";
    }
}
