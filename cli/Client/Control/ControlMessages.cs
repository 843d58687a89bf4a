using System.Text;
using System.Text.Json;

namespace Coast.Client.Control;

/// <summary>One request on the control socket (one JSON line): "checkout", "start" or "stop".</summary>
public sealed record ControlRequest(string Op, string Project, string? Instance, double TimeoutSeconds)
{
    public string ToJsonLine() => ControlJson.Write(w =>
    {
        w.WriteString("op", Op);
        w.WriteString("project", Project);
        if (Instance is null) w.WriteNull("instance"); else w.WriteString("instance", Instance);
        w.WriteNumber("timeoutSeconds", TimeoutSeconds);
    });

    public static ControlRequest Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        return new ControlRequest(ControlJson.String(r, "op"), ControlJson.String(r, "project"),
            r.TryGetProperty("instance", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null,
            r.TryGetProperty("timeoutSeconds", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 30);
    }
}

/// <summary>The answer (one JSON line): the outcome of the operation and its message.</summary>
public sealed record ControlResponse(OperationOutcome Outcome, string Message)
{
    public string ToJsonLine() => ControlJson.Write(w =>
    {
        w.WriteString("outcome", Outcome.ToString());
        w.WriteString("message", Message);
    });

    public static ControlResponse Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        var outcome = Enum.TryParse<OperationOutcome>(ControlJson.String(r, "outcome"), out var o) ? o : OperationOutcome.Failed;
        return new ControlResponse(outcome, ControlJson.String(r, "message"));
    }
}

/// <summary>
/// The control messages are written and read with the low-level JSON reader and writer: a client process
/// then pays nothing for the serializer's set-up, which is most of what a fast command costs.
/// </summary>
internal static class ControlJson
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static string String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new JsonException($"'{name}' is missing");
}
