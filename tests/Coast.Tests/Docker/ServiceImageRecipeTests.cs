using System.Security.Cryptography;
using System.Text;
using Coast.Controller.Docker.Images;
using Coast.Tests.Infrastructure;

namespace Coast.Tests.Docker;

/// <summary>The recipe label of Coast's own service images: it covers the Dockerfile and every file, and kept its value across the move to one recipe type (images built before are not rebuilt).</summary>
[Trait("Category", Category.Unit)]
public sealed class ServiceImageRecipeTests
{
    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    [Fact]
    public void The_hash_is_the_one_images_were_labelled_with_before()
    {
        PostgresImage.Recipe.RecipeHash("b1").ShouldBe(Hash($"b1|{PostgresImage.Dockerfile}|{PostgresImage.Entrypoint}"));
        RedisImage.Recipe.RecipeHash("b1").ShouldBe(Hash($"b1|{RedisImage.Dockerfile}"));
    }

    [Fact]
    public void A_changed_file_base_or_dockerfile_changes_the_hash()
    {
        var recipe = new ServiceImageRecipe("coast/x:1", "FROM coast/base:bookworm", new Dictionary<string, string> { ["run"] = "echo a" }, "building");
        var hash = recipe.RecipeHash("b1");
        (recipe with { Files = new Dictionary<string, string> { ["run"] = "echo b" } }).RecipeHash("b1").ShouldNotBe(hash);
        (recipe with { Dockerfile = "FROM coast/base:bookworm\nRUN true" }).RecipeHash("b1").ShouldNotBe(hash);
        recipe.RecipeHash("b2").ShouldNotBe(hash);
        BuiltInImages.Catalogue.Keys.ShouldBe(["coast/postgres:15", "coast/redis:7"], ignoreOrder: true);
    }
}
