using Coast.Tests.Infrastructure;
using System.Net.Sockets;
using Coast.Controller.Instances;

namespace Coast.Tests.Instances;

/// <summary>Reaching an instance's inner engine through its socket: a missing or stale socket means "not yet".</summary>
[Collection("docker")]
[Trait("Category", Category.Docker)]
public sealed class InnerEngineTests(DockerFixture docker) : IDisposable
{
    private readonly DockerFixture _docker = docker;
    private readonly string _dir = Directory.CreateTempSubdirectory("coast-inner-").FullName;

    [Fact]
    public async Task A_missing_socket_does_not_answer()
    {
        using var inner = new InnerEngine(Path.Combine(_dir, "docker.sock"));
        (await inner.AnswersAsync(CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_stale_socket_file_does_not_answer()
    {
        // What a killed engine leaves: a socket file nobody listens on (bound elsewhere, moved into place,
        // because .NET removes the file of a socket it bound when that socket closes).
        var path = Path.Combine(_dir, "docker.sock");
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(path + ".tmp"));
            File.Move(path + ".tmp", path);
        }
        using var inner = new InnerEngine(path);
        (await inner.AnswersAsync(CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_real_engine_answers_and_reports_its_images()
    {
        // The host engine stands in for an inner one: same API on a unix socket.
        using var inner = new InnerEngine("/var/run/docker.sock");
        (await inner.AnswersAsync(CancellationToken.None)).ShouldBeTrue();
        (await inner.HasImageAsync("coast/base:bookworm", CancellationToken.None)).ShouldBeTrue();
        (await inner.HasImageAsync("coast/no-such-image:0", CancellationToken.None)).ShouldBeFalse();
        (await inner.ComposeContainersAsync($"coast-no-such-project-{Guid.NewGuid():N}", CancellationToken.None)).ShouldBeEmpty();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
