namespace Coast.Tests.Infrastructure;

/// <summary>
/// Test categories, as `[Trait("Category", Category.Unit)]`. Unit tests need neither PostgreSQL nor
/// Docker (`scripts/test.sh --unit` runs only them, in seconds); the others need the real servers.
/// </summary>
public static class Category
{
    public const string Unit = "Unit";
    public const string Postgres = "Postgres";
    public const string Docker = "Docker";
    public const string Remote = "Remote";
}
