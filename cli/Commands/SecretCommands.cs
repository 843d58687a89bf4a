using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Secrets;
using Coast.Cli.Infrastructure;
using Coast.Cli.Output;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast secret list`, `coast secret NAME set [VALUE]` (stdin when VALUE is absent), `coast secret NAME unset`,
/// and `coast rerun-extractors [NAME...]`. Values never leave this process in clear: `set` seals the value to the
/// controller's public key (from the Secret's status) before writing it; nothing here can open a sealed value.
/// </summary>
public static class SecretCommands
{
    public static IEnumerable<Command> Create(CliServices cli, TextReader stdin) => [Secret(cli, stdin), RerunExtractors(cli)];

    private static Command Secret(CliServices cli, TextReader stdin)
    {
        var first = new Argument<string>("name") { Description = "`list`, or the secret's name as in [secrets.NAME]." };
        var verb = new Argument<string?>("verb") { Description = "set or unset (after NAME).", Arity = ArgumentArity.ZeroOrOne };
        var value = new Argument<string?>("value") { Description = "The value for set; read from stdin when absent (safer: not in your shell history).", Arity = ArgumentArity.ZeroOrOne };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(1));
        var command = new Command("secret", "List a project's secrets (names, extractor, age; never values), or set a secret's value by hand.")
            { first, verb, value, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var p = LocalProject.RequireName(parse.GetValue(project));
            var name = parse.GetValue(first)!;
            if (name == "list" && parse.GetValue(verb) is null) return await ListAsync(cli, p, token);
            return parse.GetValue(verb) switch
            {
                "set" => await SetAsync(cli, p, name, parse.GetValue(value) ?? ReadValue(stdin), parse.GetValue(timeout), token),
                "unset" => await UnsetAsync(cli, p, name, token),
                _ => throw new CliException("usage: coast secret list | coast secret NAME set [VALUE] | coast secret NAME unset", ExitCodes.Usage),
            };
        }, ct));
        return command;
    }

    private static Command RerunExtractors(CliServices cli)
    {
        var names = new Argument<string[]>("names") { Description = "Secrets to extract again (default: all of the project's).", Arity = ArgumentArity.ZeroOrMore };
        var project = CommonOptions.Project();
        var timeout = CommonOptions.Timeout(TimeSpan.FromMinutes(2));
        var command = new Command("rerun-extractors", "Extract the project's secrets again on the host (running instances get the new values).")
            { names, project, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            var p = LocalProject.RequireName(parse.GetValue(project));
            var store = await cli.StoreAsync(token);
            var all = (await store.ListAsync(Coast.ApiTypes.Kinds.Secret.KindName, p, null, token)).Cast<Secret>().ToList();
            var wanted = parse.GetValue(names) is { Length: > 0 } n ? n : all.Select(s => s.Spec.SecretName).ToArray();
            if (wanted.Length == 0) { cli.Out.WriteLine($"No secrets in project '{p}'."); return ExitCodes.Ok; }
            var token_ = Guid.NewGuid().ToString("N")[..12];
            var targets = new List<Secret>();
            foreach (var w in wanted)
            {
                var secret = all.FirstOrDefault(s => s.Spec.SecretName == w) ?? throw NotDeclared(p, w);
                secret.Metadata.Annotations[SecretNames.RerunAnnotation] = token_;
                targets.Add((Secret)await store.UpdateAsync(secret, token));
            }
            await cli.EnsureControllerAsync(token);
            var failed = 0;
            foreach (var t in targets)
            {
                var done = (Secret)(await StatusWaiter.WaitAsync(store, t.Key,
                    r => r is Secret s && (s.Spec.ManualValue is not null || s.Status.RerunDone == token_), parse.GetValue(timeout), token))!;
                if (Failed(done)) { failed++; CommandRunner.Fail(Conditions.Get(done.Status.Conditions, ConditionTypes.Ready)!.Message); }
                else cli.Out.WriteLine(done.Spec.ManualValue is not null
                    ? $"Secret {done.Spec.SecretName} has a value set by hand (not extracted; `coast secret {done.Spec.SecretName} unset` to extract it)"
                    : $"Extracted secret {done.Spec.SecretName}");
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Error;
        }, ct));
        return command;
    }

    private static async Task<int> ListAsync(CliServices cli, string project, CancellationToken ct)
    {
        var store = await cli.StoreAsync(ct);
        var secrets = (await store.ListAsync(Coast.ApiTypes.Kinds.Secret.KindName, project, null, ct)).Cast<Secret>().OrderBy(s => s.Spec.SecretName).ToList();
        if (secrets.Count == 0) { cli.Out.WriteLine($"No secrets in project '{project}'."); return ExitCodes.Ok; }
        var now = DateTimeOffset.UtcNow;
        TableWriter.Write(cli.Out, ["NAME", "EXTRACTOR", "INJECT", "SOURCE", "AGE", "STATUS"], secrets.Select(s => (IReadOnlyList<string>)
        [
            s.Spec.SecretName, s.Spec.Definition.Extractor, s.Spec.Definition.Inject,
            s.Spec.ManualValue is not null ? "manual" : s.Status.Source ?? "-",
            s.Spec.ManualValue is not null ? "-" : Age.Format(s.Status.ExtractedAt, now),
            Conditions.Get(s.Status.Conditions, ConditionTypes.Ready) is { } r ? (r.Status == ConditionStatus.True ? "Ready" : r.Reason) : "Pending",
        ]));
        return ExitCodes.Ok;
    }

    private static async Task<int> SetAsync(CliServices cli, string project, string name, string value, TimeSpan timeout, CancellationToken ct)
    {
        var store = await cli.StoreAsync(ct);
        var key = new ResourceKey(Coast.ApiTypes.Kinds.Secret.KindName, project, SecretNames.ResourceName(name));
        if (await store.GetAsync(key, ct) is not Secret secret || secret.Spec.SecretName != name) throw NotDeclared(project, name);
        if (secret.Status.SealingKey is null)
        {
            // A new Secret: the controller publishes its public key on the first pass.
            await cli.EnsureControllerAsync(ct);
            secret = (Secret)(await StatusWaiter.WaitAsync(store, key, r => r is Secret { Status.SealingKey: not null }, timeout, ct))!;
        }
        secret.Spec.ManualValue = SecretEnvelope.Seal(secret.Status.SealingKey!, value, SecretEnvelope.Context(project, name));
        var written = await store.UpdateAsync(secret, ct);
        await cli.EnsureControllerAsync(ct);
        await StatusWaiter.WaitAsync(store, key, r => r is Secret s && s.Status.ObservedGeneration >= written.Metadata.Generation, timeout, ct);
        cli.Out.WriteLine($"Secret {name} set (stored sealed; instances of {project} get it)");
        return ExitCodes.Ok;
    }

    private static async Task<int> UnsetAsync(CliServices cli, string project, string name, CancellationToken ct)
    {
        var store = await cli.StoreAsync(ct);
        var key = new ResourceKey(Coast.ApiTypes.Kinds.Secret.KindName, project, SecretNames.ResourceName(name));
        if (await store.GetAsync(key, ct) is not Secret secret || secret.Spec.SecretName != name) throw NotDeclared(project, name);
        secret.Spec.ManualValue = null;
        await store.UpdateAsync(secret, ct);
        await cli.EnsureControllerAsync(ct);
        cli.Out.WriteLine($"Secret {name} unset (its extractor runs again)");
        return ExitCodes.Ok;
    }

    private static string ReadValue(TextReader stdin)
    {
        var text = stdin.ReadToEnd();
        return text.EndsWith("\r\n") ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
    }

    private static bool Failed(Secret s) =>
        Conditions.Get(s.Status.Conditions, ConditionTypes.Ready) is { Status: ConditionStatus.False, Reason: SecretReasons.ExtractFailed };

    private static CliException NotDeclared(string project, string name) =>
        new($"secret '{name}' not found in project '{project}'. Declare it as [secrets.{name}] in the Coastfile and run `coast build`; `coast secret list` shows the secrets.", ExitCodes.NotFound);
}
