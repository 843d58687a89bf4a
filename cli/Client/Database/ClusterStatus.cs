namespace Coast.Client.Database;

public sealed record ClusterStatus(bool Initialized, bool Running, int? Pid, ClusterLayout Layout);
