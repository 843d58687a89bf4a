using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Model;
using Coast.Controller.GitOps;
using Coast.Tests.Infrastructure;
using Coast.Tests.Store;

namespace Coast.Tests.GitOps;

/// <summary>A real store, real git repositories and a Coast home in the test's temp directory.</summary>
public abstract class GitSourceTestBase(PostgresFixture pg) : StoreTestBase(pg)
{
    protected string Temp { get; } = Path.Combine(Path.GetTempPath(), "coast-gitops-" + Guid.NewGuid().ToString("N")[..8]);
    protected GitSourceOptions Options => GitSourceOptions.FromHome(Path.Combine(Temp, "home"));
    private readonly List<GitTestRepo> _repos = new();

    protected GitTestRepo NewRepo()
    {
        var repo = new GitTestRepo(Temp);
        _repos.Add(repo);
        return repo;
    }

    protected GitSourceReconciler Reconciler() => new(Store, Coast.Events, Options, TimeProvider.System);

    protected async Task<GitSource> CreateSourceAsync(string name, GitTestRepo repo, string path = "deploy", bool prune = true,
        string interval = "1m", bool suspend = false)
    {
        var source = new GitSource
        {
            Metadata = { Name = name },
            Spec = { Url = repo.Dir, Branch = "main", Path = path, Prune = prune, Interval = interval, Suspend = suspend },
        };
        return (GitSource)await Store.CreateAsync(source);
    }

    protected async Task<GitSource> SourceAsync(string name) =>
        (GitSource)(await Store.GetAsync(new ResourceKey(GitSource.KindName, "", name)))!;

    /// <summary>One reconcile of the stored source, as the runtime runs it.</summary>
    protected async Task<GitSource> ReconcileAsync(string name)
    {
        await Reconciler().ReconcileAsync(await SourceAsync(name), CancellationToken.None);
        return await SourceAsync(name);
    }

    protected Task<Resource?> GetAsync(string kind, string ns, string name) => Store.GetAsync(new ResourceKey(kind, ns, name));

    protected async Task<int> PortOfAsync(string project) =>
        ((Project)(await GetAsync(Project.KindName, project, project))!).Spec.Ports["web"];

    public override async Task DisposeAsync()
    {
        foreach (var r in _repos) r.Dispose();
        if (Directory.Exists(Temp)) Directory.Delete(Temp, recursive: true);
        await base.DisposeAsync();
    }
}
