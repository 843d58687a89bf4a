using System.Security.Cryptography;
using System.Text;

namespace Coast.ApiTypes.Images;

/// <summary>
/// What the offline images contain. Nothing can be pulled here, so the base is a debootstrapped Debian
/// and the runtime is built FROM it with Debian's docker.io and docker-compose.
/// </summary>
public static class ImageRecipes
{
    public const string BaseImage = "coast/base:bookworm";
    public const string RuntimeImage = "coast/runtime:1";
    public const string Suite = "bookworm";

    public static readonly string[] BasePackages = ["busybox", "ca-certificates"];

    public static readonly string[] RuntimePackages =
        ["docker.io", "docker-compose", "iptables", "procps", "rsync", "openssh-client", "ca-certificates", "util-linux"];

    public const string RuntimeDockerfile = """
        FROM coast/base:bookworm
        RUN apt-get update \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {packages} \
         && rm -rf /var/lib/apt/lists/*
        COPY coast-entrypoint /usr/local/bin/coast-entrypoint
        RUN chmod 755 /usr/local/bin/coast-entrypoint && mkdir -p /workspace /coast /coast-private
        VOLUME /var/lib/docker
        ENTRYPOINT ["/usr/local/bin/coast-entrypoint"]
        """;

    /// <summary>
    /// PID 1 of an instance: binds the project (or a worktree of it) at /workspace, gives each private
    /// path its own directory on the container's own layer, then runs the inner Docker engine.
    /// Runs again on every start, because mounts do not survive a container restart. The engine also
    /// listens on /run/coast-host/docker.sock, a host directory, so the controller reaches it without exec.
    /// </summary>
    public const string Entrypoint = """
        #!/bin/sh
        set -e
        src=/host-project
        if [ -n "$COAST_WORKTREE" ]; then src="/host-project/$COAST_WORKTREE"; fi
        mkdir -p /workspace /coast /coast-private
        if mountpoint -q /workspace; then umount -l /workspace; fi
        mount --bind "$src" /workspace
        mount --make-rshared /workspace || true
        old_ifs="$IFS"; IFS=:
        for p in $COAST_PRIVATE_PATHS; do
          [ -n "$p" ] || continue
          mkdir -p "/coast-private/$p" "/workspace/$p"
          mount --bind "/coast-private/$p" "/workspace/$p"
        done
        IFS="$old_ifs"
        rm -f /var/run/docker.pid
        set -- --host unix:///var/run/docker.sock
        if [ "$COAST_INNER_IPTABLES" = on ]; then
          # Docker's own firewall: published ports as iptables rules, isolation between inner networks.
          set -- "$@" --userland-proxy=false
        else
          # Docker's firewall set-up runs iptables about a hundred times at every engine start (0.5 s here).
          # The instance container is the boundary, so the inner engine only needs outbound NAT; published
          # ports go through docker-proxy and names resolve through the embedded DNS as usual.
          set -- "$@" --iptables=false
          iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
        fi
        if [ -d /run/coast-host ]; then
          rm -f /run/coast-host/docker.sock
          set -- "$@" --host unix:///run/coast-host/docker.sock
          if [ -n "$COAST_SOCKET_GID" ]; then set -- "$@" --group "$COAST_SOCKET_GID"; fi
        fi
        exec dockerd "$@" >/var/log/dockerd.log 2>&1
        """;

    public static string RuntimeDockerfileText => RuntimeDockerfile.Replace("{packages}", string.Join(' ', RuntimePackages));

    public static string BaseRecipeHash(string mirror) => Hash($"{Suite}|minbase|{string.Join(',', BasePackages)}|{mirror}");

    public static string RuntimeRecipeHash(string baseHash) => Hash($"{baseHash}|{RuntimeContentHash}");

    /// <summary>The part of the runtime recipe that Coast's own code decides: Dockerfile and entrypoint.</summary>
    public static string RuntimeContentHash => Hash($"{RuntimeDockerfileText}|{Entrypoint}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
