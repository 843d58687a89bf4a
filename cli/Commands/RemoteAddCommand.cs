using System.CommandLine;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.ApiTypes.Validation;
using Coast.Cli.Infrastructure;
using Coast.Client.Store;
using static Coast.ApiTypes.Kinds.RemoteHostNames;

namespace Coast.Cli.Commands;

/// <summary>
/// `coast remote add NAME user@host[:port] [-k KEY] [--accept-host-key SHA256:...]`: writes the RemoteHost. The CLI
/// opens no SSH connection: without a pin the controller reads the key the host offers into status.offeredHostKey,
/// the CLI shows it and asks (on a terminal; otherwise it says to re-run with --accept-host-key), then writes the pin
/// and waits for the controller's first connection with it. When nothing gets pinned or the pinned key is refused, a
/// host this command created is removed again and an existing one gets its previous target and pin back, so a failed
/// add changes nothing.
/// </summary>
public static class RemoteAddCommand
{
    public static Command Create(CliServices cli)
    {
        var name = new Argument<string>("name") { Description = "RemoteHost name (lowercase letters, digits, '-')." };
        var target = new Argument<string>("target") { Description = "user@host[:port] (IPv6: user@[addr]:port)." };
        var key = new Option<string?>("--identity-file", "-k") { Description = "Private key to log in with (default ~/.ssh/id_ed25519 of the controller's user)." };
        var accept = new Option<string?>("--accept-host-key") { Description = "Pin this host key (SHA256:... as `ssh-keygen -lf` prints it) without asking." };
        var timeout = CommonOptions.Timeout(TimeSpan.FromSeconds(60));
        var command = new Command("add", "Add (or re-pin) a remote host: pins its SSH host key, then checks that the controller connects.")
            { name, target, key, accept, timeout };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(token => RunAsync(cli, parse.GetValue(name)!, parse.GetValue(target)!,
            parse.GetValue(key), parse.GetValue(accept), parse.GetValue(timeout), token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliServices cli, string name, string target, string? identity, string? accept, TimeSpan timeout, CancellationToken ct)
    {
        var (user, address, port) = RemoteTargetParser.Parse(target);
        var pin = accept is null ? null : RemoteTargetParser.Fingerprint(accept);
        var store = await cli.StoreAsync(ct);
        var existing = await store.GetAsync(RemoteHostEdits.KeyOf(name), ct) as RemoteHost;
        var host = existing ?? new RemoteHost { Metadata = new ObjectMeta { Name = name } };
        var previous = (host.Spec.User, host.Spec.Host, host.Spec.Port, host.Spec.IdentityFile, host.Spec.HostKey);
        host.Spec.User = user;
        host.Spec.Host = address;
        host.Spec.Port = port;
        if (identity is not null) host.Spec.IdentityFile = Path.GetFullPath(identity);
        host.Spec.HostKey = pin;
        if (ResourceValidator.Validate(host) is { Count: > 0 } problems)
            throw new CliException(string.Join("; ", problems.Select(p => p.ToString())), ExitCodes.Usage);
        var created = existing is null;
        var kept = false;
        host = created ? (RemoteHost)await store.CreateAsync(host, ct) : (RemoteHost)await store.UpdateAsync(host, ct);
        await cli.EnsureControllerAsync(ct);
        try
        {
            if (pin is null)
            {
                var offered = await OfferedKeyAsync(store, host, timeout, ct);
                cli.Err.WriteLine($"The host key of {RemoteHostEdits.Target(host)} is {offered}.");
                if (Console.IsInputRedirected)
                    throw new CliException($"no terminal to ask whether to trust host key {offered} of {RemoteHostEdits.Target(host)}. " +
                                           $"Check it and re-run with --accept-host-key {offered}");
                cli.Err.Write("Accept? [y/N] ");
                var answer = Console.In.ReadLine()?.Trim().ToLowerInvariant();
                if (answer is not ("y" or "yes")) throw new CliException($"host key {offered} not accepted; nothing pinned");
                pin = offered;
                host = await RemoteHostEdits.UpdateAsync(store, name, h => h.Spec.HostKey = offered, ct);
            }
            var answered = await FirstConnectionAsync(store, host, timeout, ct);
            var ready = Conditions.Get(answered.Status.Conditions, ConditionTypes.Ready);
            switch (ready?.Reason)
            {
                case HostKeyMismatch:
                    throw new CliException(ready.Message);
                case Unreachable or LoginRefused:
                    kept = true; // the pin is what the user asked for; keep it and say what to fix
                    throw new CliException($"remotehost/{name} added with host key {pin}, but the controller cannot log in: {ready.Reason}: {ready.Message}. " +
                                           $"Fix it, then run `coast remote test {name}`");
            }
            cli.Out.WriteLine($"remotehost/{name} {(created ? "added" : "configured")}: {RemoteHostEdits.Target(answered)}, host key {pin} pinned");
            if (ready?.Status != ConditionStatus.True) cli.Err.WriteLine($"warning: {ready?.Reason}: {ready?.Message}");
            kept = true;
            return ExitCodes.Ok;
        }
        finally
        {
            // Nothing pinned or the pin refused (also on Ctrl-C): a host this command created goes again, an existing one
            // gets its previous target and pin back.
            if (!kept && created) await store.DeleteAsync(host.Key, CancellationToken.None);
            else if (!kept)
                await RemoteHostEdits.UpdateAsync(store, name, h =>
                    (h.Spec.User, h.Spec.Host, h.Spec.Port, h.Spec.IdentityFile, h.Spec.HostKey) = previous, CancellationToken.None);
        }
    }

    /// <summary>The key the controller read from the host for this generation; unreachable is an error.</summary>
    private static async Task<string> OfferedKeyAsync(IResourceStore store, RemoteHost host, TimeSpan timeout, CancellationToken ct)
    {
        var seen = (RemoteHost)(await StatusWaiter.WaitAsync(store, host.Key, r => r is RemoteHost h && h.Status.ObservedGeneration >= host.Metadata.Generation
            && (h.Status.OfferedHostKey is not null || Conditions.Get(h.Status.Conditions, ConditionTypes.Ready)?.Reason == Unreachable), timeout, ct,
            r => RemoteHostEdits.Describe(Conditions.Get(r?.StatusObject.Conditions ?? [], ConditionTypes.Ready))))!;
        return seen.Status.OfferedHostKey
               ?? throw new CliException(Conditions.Get(seen.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    /// <summary>Waits for the controller's first answer with the pin: Ready for this generation, whatever its outcome.</summary>
    private static async Task<RemoteHost> FirstConnectionAsync(IResourceStore store, RemoteHost host, TimeSpan timeout, CancellationToken ct) =>
        (RemoteHost)(await StatusWaiter.WaitAsync(store, host.Key, r => r is RemoteHost h
            && Conditions.Get(h.Status.Conditions, ConditionTypes.Ready) is { } c && c.ObservedGeneration >= host.Metadata.Generation && c.Reason != HostKeyNotPinned,
            timeout, ct, r => RemoteHostEdits.Describe(Conditions.Get(r?.StatusObject.Conditions ?? [], ConditionTypes.Ready))))!;
}
