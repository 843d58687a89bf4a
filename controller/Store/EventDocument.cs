using Coast.Client.Store;
namespace Coast.Controller.Store;

/// <summary>A stored controller event; identical repeats increase Count instead of adding rows.</summary>
public sealed class EventDocument
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
    public string Type { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Message { get; set; } = "";
    public DateTimeOffset FirstTime { get; set; }
    public DateTimeOffset LastTime { get; set; }
    public int Count { get; set; }
}
