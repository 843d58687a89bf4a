using Coast.Controller.Docker.Images;

namespace Coast.Tests.Docker.Fakes;

/// <summary>Coast's own images "built" into the fake host engine at once; counts the builds.</summary>
public sealed class FakeBuiltInImages(FakeContainerEngine host) : IBuiltInImages
{
    public int Builds { get; private set; }

    public bool Knows(string image) => BuiltInImages.Catalogue.ContainsKey(image);

    public Task EnsureAsync(string image, CancellationToken ct)
    {
        Builds++;
        host.AddImage(image);
        return Task.CompletedTask;
    }
}
