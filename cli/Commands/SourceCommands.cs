using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Validation;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;
using Coast.Client.Store;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast source add|ls|reconcile|suspend|resume`: GitSources (docs/gitops.md). Each verb only writes desired
/// state (the spec, or the reconcile-requested annotation) and, for reconcile, waits for the controller's answer.
/// </summary>
public static class SourceCommands
{
    public static Command Create(CliServices cli) => new("source", "Keep environments matching a folder of manifests in a git repository (GitSources).")
    {
        Add(cli), List(cli), Reconcile(cli), SetSuspended(cli, "suspend", true), SetSuspended(cli, "resume", false),
    };

    private static Argument<string> NameArgument() => new("name") { Description = "GitSource name." };

    private static Command Add(CliServices cli)
    {
        var name = NameArgument();
        var url = new Option<string>("--url") { Description = "Repository: a local path or anything `git clone` accepts.", Required = true };
        var branch = new Option<string>("--branch") { Description = "Branch to follow.", DefaultValueFactory = _ => "main" };
        var path = new Option<string>("--path") { Description = "Manifests folder inside the repository.", DefaultValueFactory = _ => "." };
        var interval = new Option<string>("--interval") { Description = "How often to fetch and apply again, e.g. 1m.", DefaultValueFactory = _ => "1m" };
        var prune = new Option<bool>("--prune") { Description = "Delete what a new revision no longer contains." };
        var secret = new Option<string?>("--secret-ref") { Description = "Secret (file in $COAST_HOME/secrets) with username= and password= (or token=) for an http(s) URL." };
        var sshKey = new Option<string?>("--ssh-key") { Description = "Absolute path of an SSH private key (ssh URLs)." };
        var hostKey = new Option<string?>("--host-key") { Description = "The ssh server's host key fingerprint, SHA256:... (required for ssh URLs; ssh-keygen -lf shows it)." };
        var command = new Command("add", "Add (or change) a GitSource.") { name, url, branch, path, interval, prune, secret, sshKey, hostKey };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var source = new GitSource
            {
                Metadata = { Name = parse.GetValue(name)! },
                Spec =
                {
                    Url = parse.GetValue(url)!, Branch = parse.GetValue(branch)!, Path = parse.GetValue(path)!,
                    Interval = parse.GetValue(interval)!, Prune = parse.GetValue(prune), HostKey = parse.GetValue(hostKey),
                },
            };
            if (parse.GetValue(secret) is not null || parse.GetValue(sshKey) is not null)
                source.Spec.Credentials = new GitCredentials { SecretRef = parse.GetValue(secret), SshKeyPath = parse.GetValue(sshKey) };
            if (ResourceValidator.Validate(source) is { Count: > 0 } problems)
                throw new CliException(string.Join("; ", problems.Select(p => p.ToString())), ExitCodes.Usage);
            var store = await cli.StoreAsync(token);
            var outcome = (await store.ApplyAsync([source], token)).Single();
            await cli.EnsureControllerAsync(token);
            cli.Out.WriteLine($"gitsource/{source.Metadata.Name} {(outcome.Action == ApplyAction.Created ? "created" : outcome.Action == ApplyAction.Configured ? "configured" : "unchanged")}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(CliServices cli)
    {
        var command = new Command("ls", "List GitSources with their revisions.");
        command.SetAction((_, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var sources = (await store.ListAsync(GitSource.KindName, null, null, token)).Cast<GitSource>();
            TableWriter.Write(cli.Out, ["NAME", "URL", "BRANCH", "PATH", "SUSPENDED", "READY", "APPLIED", "MESSAGE"],
                sources.Select(s => (IReadOnlyList<string>)
                [
                    s.Metadata.Name, s.Spec.Url, s.Spec.Branch, s.Spec.Path, s.Spec.Suspend ? "True" : "False",
                    Conditions.Get(s.Status.Conditions, GitSourceNames.Ready)?.Status ?? "-",
                    ResourceColumns.ShortRevision(s.Status.LastAppliedRevision),
                    Conditions.Get(s.Status.Conditions, GitSourceNames.Ready)?.Message ?? "",
                ]));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Reconcile(CliServices cli)
    {
        var name = NameArgument();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("reconcile", "Fetch and apply now, and wait for the result.") { name, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var requested = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
            var source = await UpdateAsync(store, parse.GetValue(name)!, s =>
            {
                if (s.Spec.Suspend)
                    throw new CliException($"GitSource '{s.Metadata.Name}' is suspended. Run `coast source resume {s.Metadata.Name}` first.", ExitCodes.Error);
                s.Metadata.Annotations[GitSourceNames.ReconcileRequestedAnnotation] = requested;
            }, token);
            await cli.EnsureControllerAsync(token);
            var answered = (GitSource)(await StatusWaiter.WaitAsync(store, source.Key,
                r => r is GitSource g && g.Status.LastHandledReconcileAt == requested, parse.GetValue(timeout), token,
                r => (r as GitSource)?.Status.Conditions is { } c && Conditions.Get(c, GitSourceNames.Ready) is { } ready
                    ? $"Ready={ready.Status} ({ready.Reason}: {ready.Message})" : "not reconciled yet"))!;
            var result = Conditions.Get(answered.Status.Conditions, GitSourceNames.Ready);
            if (result?.Status != ConditionStatus.True)
                throw new CliException($"gitsource/{answered.Metadata.Name}: {result?.Reason}: {result?.Message}", ExitCodes.Error);
            cli.Out.WriteLine($"gitsource/{answered.Metadata.Name} reconciled: applied {answered.Status.LastAppliedRevision}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command SetSuspended(CliServices cli, string verb, bool suspend)
    {
        var name = NameArgument();
        var command = new Command(verb, suspend ? "Stop fetching and applying (what is applied stays)." : "Fetch and apply again.") { name };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var store = await cli.StoreAsync(token);
            var source = await UpdateAsync(store, parse.GetValue(name)!, s => s.Spec.Suspend = suspend, token);
            if (!suspend) await cli.EnsureControllerAsync(token);
            cli.Out.WriteLine($"gitsource/{source.Metadata.Name} {(suspend ? "suspended" : "resumed")}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Read, change, write; a conflict with the controller's own status write is retried.</summary>
    private static async Task<GitSource> UpdateAsync(IResourceStore store, string name, Action<GitSource> change, CancellationToken ct)
    {
        var key = new ResourceKey(GitSource.KindName, "", name);
        for (var attempt = 0; ; attempt++)
        {
            if (await store.GetAsync(key, ct) is not GitSource source)
                throw new CliException($"GitSource '{name}' not found. Run `coast source ls` to see them.", ExitCodes.NotFound);
            change(source);
            try { return (GitSource)await store.UpdateAsync(source, ct); }
            catch (ConflictException) when (attempt < 10) { }
        }
    }
}
