namespace Coast.ApiTypes.Assign;

/// <summary>
/// One service's [assign] step as it is carried out inside an instance: what to do (none, hot, restart, rebuild),
/// whether the service is a bare one (supervised) or a compose one, and for a compose rebuild the image to build
/// from the new worktree. Resolved by the controller, which has the project and the build, and run by the same code
/// locally and in a remote agent (it travels in the agent's PUT).
/// </summary>
public sealed record AssignAction(string Service, string Action, bool Bare, AssignRebuild? Rebuild = null);

/// <summary>`docker build` of a compose service's image inside the instance: tag, context and Dockerfile (paths inside, under /workspace), build args.</summary>
public sealed record AssignRebuild(string Image, string Context, string Dockerfile, Dictionary<string, string> Args);
