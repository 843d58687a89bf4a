namespace Coast.ApiTypes.Compose;

/// <summary>A compose file Coast cannot use; the message names the file (and line when known).</summary>
public sealed class ComposeException(string message) : Exception(message);
