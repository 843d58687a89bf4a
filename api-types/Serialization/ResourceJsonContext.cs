using System.Text.Json;
using System.Text.Json.Serialization;
using Coast.ApiTypes.Kinds;

namespace Coast.ApiTypes.Serialization;

/// <summary>
/// Compile-time JSON metadata for the resource kinds. Reflection-built metadata cost about 90 ms on the
/// first resource a process read, which every CLI command pays; this makes it a few milliseconds.
/// Options here must match <see cref="ResourceJson"/>'s.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(Project))]
[JsonSerializable(typeof(Instance))]
[JsonSerializable(typeof(Checkout))]
[JsonSerializable(typeof(Build))]
[JsonSerializable(typeof(RemoteHost))]
[JsonSerializable(typeof(Tunnel))]
[JsonSerializable(typeof(SyncSession))]
[JsonSerializable(typeof(GitSource))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(SharedService))]
internal sealed partial class ResourceJsonContext : JsonSerializerContext;
