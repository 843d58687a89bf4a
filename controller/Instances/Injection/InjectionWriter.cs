using Coast.Controller.Docker;
using Coast.Controller.Runtime;
using Coast.ApiTypes.Kinds;

namespace Coast.Controller.Instances.Injection;

/// <summary>
/// Puts injected values into an instance container through exec stdin (never a command line): each file at its
/// path (for bare services) and under <see cref="InstanceInjection.FilesDir"/> (mounted into compose services), and
/// compose's env file: the mounted copy is rewritten in place (same inode), so running compose services see a new value
/// of a file secret at once (a bind mount keeps the inode it was made with). The env file holds the project's own .env first, then the injected env, so `${NAME}` interpolation sees both.
/// </summary>
public sealed class InjectionWriter(IContainerEngine engine)
{
    private const string FileScript =
        "umask 077 && mkdir -p \"$(dirname \"$1\")\" /coast/inject/files && cat > \"$1.coast-new\" && mv \"$1.coast-new\" \"$1\" " +
        "&& touch \"/coast/inject/files/$2\" && chmod 644 \"/coast/inject/files/$2\" && cat \"$1\" > \"/coast/inject/files/$2\"";

    private const string EnvScript =
        "umask 077 && mkdir -p /coast/inject && cd \"$1\" && { if [ -f .env ]; then cat .env; echo; fi; cat; } > /coast/inject/compose.env.new " +
        "&& mv /coast/inject/compose.env.new /coast/inject/compose.env";

    public async Task WriteAsync(string container, InjectedValues values, string? composeWorkdir, CancellationToken ct)
    {
        foreach (var file in values.Files)
            Check(await engine.ExecAsync(container, ["sh", "-c", FileScript, "sh", file.Target, file.Name], file.Content, ct), $"writing injected file {file.Target}");
        if (composeWorkdir is not null)
            Check(await engine.ExecAsync(container, ["sh", "-c", EnvScript, "sh", composeWorkdir], values.EnvFileLines(), ct), "writing the injected environment");
    }

    // The scripts print nothing of the values; their stderr is about paths and permissions only.
    private static void Check(ExecResult r, string what)
    {
        if (r.ExitCode != 0)
            throw new ReconcileFailedException(InstanceReasons.ComposeUpFailed, $"{what} failed (exit {r.ExitCode}): {r.StandardError.Trim().Split('\n').LastOrDefault()}");
    }
}
