using System.Diagnostics;
using System.Text;
using Coast.ApiTypes.Kinds;
using Coast.Tests.Cli;
using Coast.Tests.Infrastructure;
using Npgsql;

namespace Coast.Tests.GitOps;

/// <summary>A real `coast controller` process killed (SIGKILL) in the middle of applying a revision.</summary>
[Collection("postgres")]
[Trait("Category", Category.Postgres)]
public sealed class GitSourceCrashTests(PostgresFixture pg) : GitSourceTestBase(pg)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly List<Process> _controllers = new();
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task A_controller_killed_mid_apply_leaves_the_previous_revision_whole_and_the_next_controller_applies_the_new_one()
    {
        var repo = NewRepo().Write("deploy/demo.yaml", Manifests.Project("demo")).Write("deploy/co.yaml", Manifests.Checkout("demo"));
        var first = repo.Commit();
        await CreateSourceAsync("team", repo, prune: true, interval: "1s");
        var coast = new CoastProcess(Pg, Schema, Path.Combine(Temp, "home"));
        var controller = Start(coast);
        (await Poll.UntilAsync(async () => (await SourceAsync("team")).Status.LastAppliedRevision == $"main@sha1:{first}", Deadline))
            .ShouldBeTrue($"first revision not applied; controller log:\n{_log}");

        // Hold the project's row: the controller's transaction for the next revision inserts 'api', then waits
        // on this lock to update 'demo', with the checkout's deletion and the source's status still to come.
        await using var holder = new NpgsqlConnection(Pg.ConnectionString);
        await holder.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"select 1 from \"{Schema}\".mt_doc_resourcedocument where id = 'Project/demo/demo' for update", holder, tx))
            await lockRow.ExecuteScalarAsync();
        var second = repo.Write("deploy/demo.yaml", Manifests.Project("demo", port: 3100)).Remove("deploy/co.yaml")
            .Write("deploy/api.yaml", Manifests.Project("api")).Commit();
        var blocked = await Poll.ValueAsync(() => BlockedBackendAsync(holder), Deadline);
        blocked.ShouldNotBeNull($"the controller never reached the commit; log:\n{_log}");

        controller.Kill(entireProcessTree: true);
        await controller.WaitForExitAsync();
        await tx.RollbackAsync();
        (await Poll.UntilAsync(async () => !await BackendAliveAsync(holder, int.Parse(blocked)), Deadline)).ShouldBeTrue("the killed controller's transaction lingered");

        // Nothing of the second revision: not the new project, not the changed port, not the prune, not the status.
        (await GetAsync(Project.KindName, "api", "api")).ShouldBeNull();
        (await PortOfAsync("demo")).ShouldBe(3000);
        (await GetAsync(Checkout.KindName, "demo", "demo")).ShouldNotBeNull();
        var source = await SourceAsync("team");
        source.Status.LastAppliedRevision.ShouldBe($"main@sha1:{first}");
        source.Status.Inventory.ShouldBe(["Checkout/demo/demo", "Project/demo/demo"]);

        Start(coast);
        (await Poll.UntilAsync(async () => (await SourceAsync("team")).Status.LastAppliedRevision == $"main@sha1:{second}", Deadline))
            .ShouldBeTrue($"second revision not applied after the restart; log:\n{_log}");
        (await GetAsync(Project.KindName, "api", "api")).ShouldNotBeNull();
        (await PortOfAsync("demo")).ShouldBe(3100);
        // The checkout has the controller's finalizer (its ports): pruning asks for its deletion, the finalizer finishes it.
        (await Poll.UntilAsync(async () => await GetAsync(Checkout.KindName, "demo", "demo") is null, Deadline)).ShouldBeTrue("the pruned checkout stayed");
    }

    private Process Start(CoastProcess coast)
    {
        var p = coast.StartController();
        _controllers.Add(p);
        p.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>The backend (pid) of this schema that waits on a lock, if any.</summary>
    private async Task<string?> BlockedBackendAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand(
            "select pid from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid() and query like $1 limit 1", conn);
        cmd.Parameters.AddWithValue($"%{Schema}%");
        return await cmd.ExecuteScalarAsync() is int pid ? pid.ToString() : null;
    }

    private static async Task<bool> BackendAliveAsync(NpgsqlConnection conn, int pid)
    {
        await using var cmd = new NpgsqlCommand("select count(*) from pg_stat_activity where pid = $1", conn);
        cmd.Parameters.AddWithValue(pid);
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }

    public override async Task DisposeAsync()
    {
        foreach (var p in _controllers.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
        foreach (var p in _controllers) { await p.WaitForExitAsync(); p.Dispose(); }
        await base.DisposeAsync();
    }
}
