using System.Diagnostics;
using Coast.Controller.Remote.Ssh;

namespace Coast.Tests.Remote;

/// <summary>
/// A test host for the whole "remote" collection: `up` once (its time is recorded), a tiny image in
/// its engine, `down` on dispose, also when a test failed.
/// </summary>
public sealed class RemoteHostFixture : IAsyncLifetime
{
    private RemoteTestHost? _host;

    public RemoteTestHost Host => _host ?? throw new InvalidOperationException("the remote test host is not up");

    public double UpSeconds { get; private set; }

    /// <summary>The host key sshd serves now (the rekey test changes it).</summary>
    public HostKeyFingerprint Pin { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var sw = Stopwatch.StartNew();
        _host = await RemoteTestHost.UpAsync(RemoteTestHost.NewName());
        UpSeconds = sw.Elapsed.TotalSeconds;
        try
        {
            Pin = await _host.HostKeyFromFileAsync();
            await TinyImage.LoadIntoAsync(_host);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is null) return;
        var down = await _host.RunScriptAsync("down");
        _host = null;
        if (down.ExitCode != 0) throw new InvalidOperationException($"remote-testhost.sh down failed: {down.StandardError}");
    }
}

[CollectionDefinition("remote")]
public sealed class RemoteCollection : ICollectionFixture<RemoteHostFixture>, ICollectionFixture<Coast.Tests.Infrastructure.PostgresFixture>;
