using Coast.Controller.Docker;

namespace Coast.Controller.Instances;

/// <summary>Real inner engines, each reached through the unix socket an instance publishes (see <see cref="InnerEngineSocket"/>).</summary>
public sealed class InnerEngineFactory : IInnerEngineFactory
{
    public IInnerEngine Connect(string socketPath) => new InnerEngine(socketPath);
}
