using System.Formats.Tar;

namespace Coast.Controller.Remote.Agent;

/// <summary>
/// The one-shot workspace copy used until continuous sync (SyncSession) exists: a tar of the local tree (without
/// .git and worktree dirs) streamed through the agent forward, which swaps the remote workspace's contents.
/// </summary>
public static class WorkspaceCopy
{
    private static readonly HashSet<string> Skipped = [".git", ".worktrees", "node_modules"];

    public static async Task UploadAsync(AgentClient agent, string project, string name, string localDir, CancellationToken ct)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var writer = Task.Run(async () =>
        {
            await using var output = pipe.Writer.AsStream();
            try { await WriteTarAsync(localDir, output, ct); }
            catch (Exception e) { await pipe.Writer.CompleteAsync(e); throw; }
        }, ct);
        await using var input = pipe.Reader.AsStream();
        await Task.WhenAll(agent.UploadWorkspaceAsync(project, name, input, ct), writer);
    }

    private static async Task WriteTarAsync(string root, Stream output, CancellationToken ct)
    {
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (Skipped.Contains(entry.Name)) continue;
                var relative = Path.GetRelativePath(root, entry.FullName);
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    await tar.WriteEntryAsync(entry.FullName, relative + "/", ct);
                    pending.Push(entry.FullName);
                }
                else await tar.WriteEntryAsync(entry.FullName, relative, ct);
            }
        }
    }
}
