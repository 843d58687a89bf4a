using System.Reflection;
using Xunit.Sdk;

namespace Coast.Tests.Infrastructure;

/// <summary>`scripts/test.sh --unit` selects by category: a test class without one would run in no selection but the full one.</summary>
[Trait("Category", Category.Unit)]
public sealed class CategoryTests
{
    [Fact]
    public void Every_test_class_carries_a_known_category()
    {
        var known = typeof(Category).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        var missing = typeof(CategoryTests).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(true).Any()))
            .Where(t => !CategoriesOf(t).Any(known.Contains))
            .Select(t => t.FullName)
            .ToList();
        missing.ShouldBeEmpty();
    }

    private static IEnumerable<string> CategoriesOf(Type t) =>
        t.GetCustomAttributesData().Concat(t.BaseType is { } b ? b.GetCustomAttributesData() : [])
            .Where(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments.Count == 2
                && (string?)a.ConstructorArguments[0].Value == "Category")
            .Select(a => (string)a.ConstructorArguments[1].Value!);
}
