using System.CommandLine;
using Coast.Cli.Infrastructure;
using Coast.Client.Database;
using Coast.Client.Processes;

namespace Coast.Cli.Commands;

/// <summary>`coast images build-runtime` and `coast doctor`.</summary>
public static class SystemCommands
{
    public static IEnumerable<Command> Create(CliServices cli) => [Images(cli), Doctor(cli)];

    private static Command Images(CliServices cli)
    {
        var force = new Option<bool>("--force") { Description = "Rebuild even when the images are up to date." };
        var build = new Command("build-runtime", "Build the offline base and Docker-in-Docker runtime images (debootstrap; no registry needed).") { force };
        build.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            // Building images needs the controller's machinery: coastd prints the progress and the final line.
            string[] args = parse.GetValue(force) ? ["images", "build-runtime", "--force"] : ["images", "build-runtime"];
            return await Coastd.RunAsync(args, cli.Out.WriteLine, token) == 0 ? ExitCodes.Ok : ExitCodes.Error;
        }, ct));
        return new Command("images", "Coast's own images.") { build };
    }

    private static Command Doctor(CliServices cli)
    {
        var command = new Command("doctor", "Check the Docker engine, runtime image, database and controller.");
        command.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            var ok = true;
            void Report(bool good, string what, string detail)
            {
                ok &= good;
                cli.Out.WriteLine($"{(good ? "ok  " : "FAIL")}  {what,-15} {detail}");
            }
            var engine = await ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(10), token);
            Report(engine.ExitCode == 0, "docker engine", engine.ExitCode == 0 ? $"server {engine.StandardOutput.Trim()}" : "not answering; run scripts/start-dockerd.sh");
            // coastd prints the runtime image's name and recipe, or exits 1 when the image is missing.
            string? image = null;
            var present = engine.ExitCode == 0 && await Coastd.RunAsync(["images", "recipe"], l => image ??= l.Split('\t')[0], token) == 0;
            Report(present, "runtime image", present ? image ?? "" : "missing; run `coast images build-runtime`");
            string dbDetail;
            bool dbOk;
            if (DatabaseLocator.External() is { } external) (dbOk, dbDetail) = (true, $"external {DatabaseLocator.Redact(external)}");
            else
            {
                var s = await new PostgresCluster(DatabaseLocator.EmbeddedLayout).StatusAsync(token);
                (dbOk, dbDetail) = (s.Running, s.Running ? $"embedded, running (pid {s.Pid})" : "embedded, not running; run `coast db start`");
            }
            Report(dbOk, "database", dbDetail);
            var pid = DaemonFiles.ForCurrentDatabase().RunningPid();
            Report(pid is not null, "controller", pid is not null ? $"running (pid {pid})" : "not running; run `coast daemon start`");
            return ok ? ExitCodes.Ok : ExitCodes.Error;
        }, ct));
        return command;
    }
}
