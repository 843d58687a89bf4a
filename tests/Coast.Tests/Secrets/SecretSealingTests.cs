using Coast.ApiTypes.Compose;
using System.Security.Cryptography;
using Coast.ApiTypes.Kinds;
using Coast.ApiTypes.Secrets;
using Coast.Controller.Compose;
using Coast.Controller.Instances.Injection;
using Coast.Controller.Secrets;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Secrets;

/// <summary>Sealing (ECDH P-256 + AES-GCM) to the key file, the extractors' failures, and how injection reaches compose.</summary>
[Trait("Category", Category.Unit)]
public sealed class SecretSealingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"coast-secret-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_value_sealed_to_the_public_key_opens_only_with_the_key_file_and_its_own_context()
    {
        using var ring = new SecretKeyRing(Path.Combine(_dir, "home", "secret-key"));
        var sealedValue = SecretEnvelope.Seal(ring.PublicKey, "hunter2 $'\"", "p/tok");
        sealedValue.ShouldNotContain("hunter2");
        SecretEnvelope.LooksSealed(sealedValue).ShouldBeTrue();
        ring.Open(sealedValue, "p/tok").ShouldBe("hunter2 $'\"");
        Should.Throw<CryptographicException>(() => ring.Open(sealedValue, "p/other"));
        var parts = sealedValue.Split(':');
        var cipher = Convert.FromBase64String(parts[3]);
        cipher[0] ^= 1;
        parts[3] = Convert.ToBase64String(cipher);
        Should.Throw<CryptographicException>(() => ring.Open(string.Join(':', parts), "p/tok"));

        File.GetUnixFileMode(ring.FilePath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var again = new SecretKeyRing(ring.FilePath);
        again.Open(sealedValue, "p/tok").ShouldBe("hunter2 $'\"");
        using var other = new SecretKeyRing(Path.Combine(_dir, "other", "secret-key"));
        Should.Throw<CryptographicException>(() => other.Open(sealedValue, "p/tok"));
        ring.Fingerprint(["a=1"]).ShouldNotBe(other.Fingerprint(["a=1"]));
        ring.Fingerprint(["a=1"]).ShouldBe(again.Fingerprint(["a=1"]));
    }

    [Fact]
    public async Task Each_extractor_failure_names_the_secret_and_the_cause()
    {
        var unset = $"COAST_TEST_UNSET_{Guid.NewGuid():N}";
        (await Should.ThrowAsync<SecretExtractionException>(() => SecretExtractor.ExtractAsync("tok", new SecretSpec { Extractor = "env", Var = unset }, default)))
            .Message.ShouldBe($"secret 'tok': environment variable '{unset}' is not set in the controller's environment (set it where the controller starts, or use `coast secret tok set`)");
        (await Should.ThrowAsync<SecretExtractionException>(() => SecretExtractor.ExtractAsync("cert", new SecretSpec { Extractor = "file", Path = "/nonexistent/coast/cert" }, default)))
            .Message.ShouldBe("secret 'cert': file '/nonexistent/coast/cert' does not exist");
        (await Should.ThrowAsync<SecretExtractionException>(() => SecretExtractor.ExtractAsync("pw", new SecretSpec { Extractor = "command", Run = "printf partial-value; echo vault is locked >&2; exit 3" }, default)))
            .Message.ShouldBe("secret 'pw': command exited with code 3: vault is locked");
    }

    [Fact]
    public async Task Extractors_return_the_value_without_its_trailing_newline()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "v");
        await File.WriteAllTextAsync(file, "from-file\n");
        (await SecretExtractor.ExtractAsync("f", new SecretSpec { Extractor = "file", Path = file }, default)).ShouldBe("from-file");
        (await SecretExtractor.ExtractAsync("c", new SecretSpec { Extractor = "command", Run = "echo from-command" }, default)).ShouldBe("from-command");
    }

    [Fact]
    public void Compose_services_get_the_names_and_mounts_never_the_values()
    {
        var compose = ComposeFile.Parse("""
            services:
              api:
                image: a
                environment:
                  API_TOKEN: mine
              web:
                image: w
                environment:
                  - OTHER=1
              worker:
                image: x
                volumes:
                  - ./src:/src
            """, "docker-compose.yml");
        ComposeInjection.Apply(compose, ["API_TOKEN", "DB_PASS"], [("/coast/inject/files/secret-cert", "/run/cert")]);
        var text = compose.Serialize();
        text.ShouldContain("API_TOKEN: mine");
        text.ShouldContain("DB_PASS: ${DB_PASS}");
        text.ShouldContain("- API_TOKEN=${API_TOKEN}");
        text.ShouldContain("- ./src:/src");
        text.Split("/coast/inject/files/secret-cert:/run/cert:ro").Length.ShouldBe(4);
    }

    [Fact]
    public void The_env_file_quotes_values_so_compose_takes_them_literally()
    {
        var values = new InjectedValues(new Dictionary<string, string> { ["B"] = "it's $HOME \\n", ["A"] = "plain" }, [], "f");
        values.EnvFileLines().ShouldBe("A='plain'\nB='it\\'s $HOME \\\\n'\n");
    }
}
