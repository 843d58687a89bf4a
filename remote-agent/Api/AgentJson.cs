using Coast.ApiTypes.Remote;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coast.RemoteAgent.Api;

/// <summary>The agent's JSON: camelCase, source-generated (no reflection at run time).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(RemoteInstance))]
[JsonSerializable(typeof(List<RemoteInstance>))]
[JsonSerializable(typeof(RemoteInstanceSpec))]
[JsonSerializable(typeof(RemoteInstanceStatus))]
[JsonSerializable(typeof(AgentError))]
[JsonSerializable(typeof(RemoteExecRequest))]
[JsonSerializable(typeof(RemoteExecFrame))]
[JsonSerializable(typeof(List<RemoteService>))]
[JsonSerializable(typeof(RemoteImageIds))]
[JsonSerializable(typeof(AgentVersion))]
public sealed partial class AgentJson : JsonSerializerContext;

/// <summary>An error answer: one line, naming the field when there is one.</summary>
public sealed record AgentError(string Error);

/// <summary>GET /v1/version: the agent's version, API level and the directory under which each instance's workspace is synced (&lt;workspaces&gt;/&lt;project&gt;/&lt;instance&gt;).</summary>
public sealed record AgentVersion(string Version, string Api, string? Workspaces = null);
