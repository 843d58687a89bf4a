using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Cli.Infrastructure;
using Coast.Client.Processes;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast exec`, `coast logs`, `coast ps`: reach into an instance's inner engine and services with the docker CLI
/// (`docker exec` into the instance's container); a remote one's through its host's agent, over SSH by coastd.
/// </summary>
public static class InstanceShellCommands
{
    public static IEnumerable<Command> Create(CliServices cli) => [Exec(cli), Logs(cli), Ps(cli)];

    private static Command Exec(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "Instance name." };
        var cmd = new Argument<string[]>("command") { Description = "Command and arguments (after --).", Arity = ArgumentArity.OneOrMore };
        var service = new Option<string?>("--service", "-s") { Description = "Run inside this compose service's container instead of the instance itself." };
        var project = CommonOptions.Project();
        var command = new Command("exec", "Run a command in an instance (or one of its services); its exit code is passed through.") { name, cmd, service, project };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var (instance, container) = await ResolveAsync(cli, parse.GetValue(name)!, parse.GetValue(project), token);
            if (instance.Spec.RemoteHost is not null)
            {
                // Over SSH to the host's agent: coastd does that part (the CLI has no SSH client).
                List<string> remote = ["remote", "exec", instance.Metadata.Namespace, instance.Metadata.Name];
                if (parse.GetValue(service) is { } rs) remote.AddRange(["--service", rs]);
                return await Coastd.RunAttachedAsync([.. remote, "--", .. parse.GetValue(cmd)!], token);
            }
            var tty = DockerPassthrough.Interactive ? new[] { "-i", "-t" } : ["-i"];
            var args = new List<string> { "exec" };
            args.AddRange(tty);
            args.Add(container);
            if (parse.GetValue(service) is { } s)
            {
                args.AddRange(["docker", "exec"]);
                args.AddRange(tty);
                args.Add(await InnerContainerAsync(container, instance.Metadata.Namespace, s, token));
            }
            args.AddRange(parse.GetValue(cmd)!);
            return await DockerPassthrough.RunAsync(args, token);
        }, ct));
        return command;
    }

    private static Command Logs(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "Instance name." };
        var service = new Option<string?>("--service", "-s") { Description = "Only this compose service." };
        var tail = new Option<int?>("--tail", "-n") { Description = "Lines from the end of each log." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines." };
        var project = CommonOptions.Project();
        var command = new Command("logs", "Show the logs of an instance's compose services.") { name, service, tail, follow, project };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var (instance, container) = await ResolveAsync(cli, parse.GetValue(name)!, parse.GetValue(project), token);
            if (instance.Spec.RemoteHost is not null)
            {
                List<string> remote = ["remote", "logs", instance.Metadata.Namespace, instance.Metadata.Name];
                if (parse.GetValue(service) is { } rs) remote.AddRange(["--service", rs]);
                if (parse.GetValue(tail) is { } rn) remote.AddRange(["--tail", rn.ToString()]);
                if (parse.GetValue(follow)) remote.Add("--follow");
                return await Coastd.RunAsync(remote, cli.Out.WriteLine, token) == 0 ? ExitCodes.Ok : ExitCodes.Error;
            }
            var project_ = await ProjectOfAsync(cli, instance, token);
            if (parse.GetValue(service) is { } bareName && project_.Spec.Services.ContainsKey(bareName))
            {
                // A bare service logs to a file inside the instance (its supervisor's).
                List<string> tailArgs = ["exec", container, "tail", "-n", (parse.GetValue(tail) ?? 200).ToString()];
                if (parse.GetValue(follow)) tailArgs.Add("-F");
                return await DockerPassthrough.RunAsync([.. tailArgs, $"{BareLogDir}/{bareName}.log"], token);
            }
            var args = new List<string> { "exec", container };
            args.AddRange(InstanceLayout.ComposeCommand(project_));
            args.AddRange(["logs", "--no-color"]);
            if (parse.GetValue(tail) is { } n) args.AddRange(["--tail", n.ToString()]);
            if (parse.GetValue(follow)) args.Add("-f");
            if (parse.GetValue(service) is { } s) args.Add(s);
            return await DockerPassthrough.RunAsync(args, token);
        }, ct));
        return command;
    }

    private static Command Ps(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "Instance name." };
        var project = CommonOptions.Project();
        var command = new Command("ps", "Show the compose services of an instance and their state.") { name, project };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var (instance, container) = await ResolveAsync(cli, parse.GetValue(name)!, parse.GetValue(project), token);
            if (instance.Spec.RemoteHost is not null)
            {
                var rows = new List<IReadOnlyList<string>>();
                if (await Coastd.RunAsync(["remote", "ps", instance.Metadata.Namespace, instance.Metadata.Name], l => rows.Add(l.Split('\t')), token) != 0)
                    return ExitCodes.Error;
                Coast.Cli.Output.TableWriter.Write(cli.Out, ["SERVICE", "CONTAINER", "STATE", "STATUS"], rows);
                return ExitCodes.Ok;
            }
            var p = await ProjectOfAsync(cli, instance, token);
            var code = p.Spec.Compose is null ? ExitCodes.Ok : await DockerPassthrough.RunAsync(["exec", container, .. InstanceLayout.ComposeCommand(p), "ps"], token);
            if (instance.Status.Services.Count > 0)
            {
                if (p.Spec.Compose is not null) cli.Out.WriteLine();
                Coast.Cli.Output.TableWriter.Write(cli.Out, ["BARE SERVICE", "STATE", "RESTARTS", "EXIT"],
                    instance.Status.Services.Select(b => (IReadOnlyList<string>)[b.Name, b.State, b.Restarts.ToString(), b.ExitCode?.ToString() ?? "-"]));
            }
            return code;
        }, ct));
        return command;
    }

    /// <summary>Where the supervisor inside an instance writes each bare service's log (NAME.log).</summary>
    private const string BareLogDir = "/var/log/coast-services";

    private static async Task<(Instance Instance, string Container)> ResolveAsync(CliServices cli, string name, string? project, CancellationToken ct)
    {
        var store = await cli.StoreAsync(ct);
        var instance = (Instance)await ProjectScope.FindAsync(store, ResourceKinds.Get(Instance.KindName), name, project, ct);
        if (!Conditions.IsTrue(instance.Status.Conditions, "ContainersReady") || instance.Spec.State == InstanceStates.Stopped)
            throw new CliException($"instance '{name}' is not running ({instance.Status.Phase ?? "pending"}). Start it with `coast start {name}`.");
        return (instance, CoastNames.InstanceContainer(instance.Metadata.Namespace, instance.Metadata.Name));
    }

    private static async Task<Project> ProjectOfAsync(CliServices cli, Instance instance, CancellationToken ct) =>
        (Project?)await (await cli.StoreAsync(ct)).GetAsync(new ResourceKey(Project.KindName, instance.Metadata.Namespace, instance.Spec.Project), ct)
        ?? throw new CliException($"project '{instance.Spec.Project}' not found.");

    /// <summary>The inner container of a compose service, found by compose's own labels.</summary>
    private static async Task<string> InnerContainerAsync(string container, string project, string service, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync("docker", ["exec", container, "docker", "ps", "-q",
            "--filter", $"label=com.docker.compose.project={CoastNames.InnerComposeProject(project)}",
            "--filter", $"label=com.docker.compose.service={service}"], ct: ct);
        var id = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return id ?? throw new CliException($"service '{service}' has no running container in this instance. Run `coast ps` to see services.");
    }
}
