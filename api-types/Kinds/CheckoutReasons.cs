namespace Coast.ApiTypes.Kinds;

/// <summary>Condition reasons of a Checkout.</summary>
public static class CheckoutReasons
{
    public const string NoInstance = "NoInstance";
    public const string InstanceNotFound = "InstanceNotFound";
    public const string InstanceFound = "InstanceFound";
    public const string PortsBound = "PortsBound";
    public const string PortInUse = "PortInUse";

    /// <summary>Ready=False reasons after which `coast checkout` stops waiting and fails.</summary>
    public static readonly IReadOnlySet<string> Terminal = new HashSet<string> { PortInUse, InstanceNotFound };
}
