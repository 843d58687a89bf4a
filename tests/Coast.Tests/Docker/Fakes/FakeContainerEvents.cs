using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Coast.Controller.Docker;

namespace Coast.Tests.Docker.Fakes;

/// <summary>The host's container events: what the fake host engine does to containers, to every subscriber.</summary>
public sealed class FakeContainerEvents : IContainerEvents
{
    private readonly List<Channel<ContainerEvent>> _subscribers = new();

    public void Publish(ContainerEvent e)
    {
        lock (_subscribers) foreach (var s in _subscribers) s.Writer.TryWrite(e);
    }

    public async IAsyncEnumerable<ContainerEvent> EventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<ContainerEvent>();
        lock (_subscribers) _subscribers.Add(channel);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(ct)) yield return e;
        }
        finally { lock (_subscribers) _subscribers.Remove(channel); }
    }
}
