using Coast.Tests.Infrastructure;
using Coast.Controller.Remote.Ssh;

namespace Coast.Tests.Remote;

/// <summary>The SSH layer's small pure parts: parsing, fingerprints, backoff, quoting.</summary>
[Trait("Category", Category.Unit)]
public sealed class SshUnitTests
{
    [Theory]
    [InlineData("root@10.250.1.2:2222", "root", "10.250.1.2", 2222)]
    [InlineData("dev@build-box", "dev", "build-box", 22)]
    [InlineData("me@[fd00::2]:2200", "me", "fd00::2", 2200)]
    public void Parses_user_at_host_and_port(string text, string user, string host, int port)
    {
        var t = SshTarget.Parse(text, "/k");
        t.ShouldBe(new SshTarget(user, host, port, "/k"));
    }

    [Theory]
    [InlineData("10.250.1.2", "must look like user@host")]
    [InlineData("root@", "must look like user@host")]
    [InlineData("root@h:0", "port '0' in 'root@h:0' must be a number from 1 to 65535")]
    [InlineData("root@h:ssh", "port 'ssh'")]
    public void A_bad_host_is_a_one_line_error_naming_it(string text, string expected)
    {
        Should.Throw<FormatException>(() => SshTarget.Parse(text, "/k")).Message.ShouldContain(expected);
    }

    [Fact]
    public void Fingerprints_are_OpenSSH_SHA256_strings()
    {
        var fp = HostKeyFingerprint.Parse(" SHA256:Y+Yl3sPoFdK/iTDMdmd7MePANGp4dxtPvJxAmkfswD8 ");
        fp.Value.ShouldBe("SHA256:Y+Yl3sPoFdK/iTDMdmd7MePANGp4dxtPvJxAmkfswD8");
        fp.ShouldBe(HostKeyFingerprint.Parse("SHA256:Y+Yl3sPoFdK/iTDMdmd7MePANGp4dxtPvJxAmkfswD8"));
        Should.Throw<FormatException>(() => HostKeyFingerprint.Parse("MD5:97:70:33")).Message.ShouldContain("SHA256:");
        Should.Throw<FormatException>(() => HostKeyFingerprint.Parse("SHA256:short"));
    }

    [Fact]
    public void Backoff_retries_at_once_then_doubles_up_to_the_cap()
    {
        var b = new ReconnectBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), random: () => 0.5);
        var delays = Enumerable.Range(0, 6).Select(_ => b.Next().TotalMilliseconds).ToList();
        delays.ShouldBe([0, 250, 500, 1000, 2000, 2000]);
        b.Reset();
        b.Next().ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Remote_arguments_are_quoted_for_a_posix_shell()
    {
        RemoteShell.Join(["docker", "ps", "--format", "{{.ID}}", "it's", ""]).ShouldBe("docker ps --format '{{.ID}}' 'it'\\''s' ''");
    }

    [Fact]
    public void The_internal_SSH_NET_calls_our_local_forwards_use_exist_in_this_SSH_NET_build()
    {
        // OwnedListenerPort opens direct-tcpip channels through them; an SSH.NET upgrade that renames one fails here first.
        Should.NotThrow(DirectTcpip.EnsureAvailable);
    }
}
