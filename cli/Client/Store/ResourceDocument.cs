namespace Coast.Client.Store;

/// <summary>
/// How a resource is stored: its key split into columns for queries, the resource itself as JSON
/// (ResourceJson, the same form the CLI prints), and Marten's optimistic-concurrency version,
/// which is exposed to clients as metadata.resourceVersion (Marten maps its mt_version column onto Version).
/// </summary>
public sealed class ResourceDocument
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
    public string Body { get; set; } = "";
    public Guid Version { get; set; }
}
