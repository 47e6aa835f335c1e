namespace Channel.Hosting;

/// <summary>
/// The correlation id of the work in progress: set from the X-Correlation-Id header of a request
/// or a consumed message, stored with every outbox row, and sent on with every published event.
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";
    static readonly AsyncLocal<string?> current = new();

    public static string? Current
    {
        get => current.Value;
        set => current.Value = value;
    }

    /// <summary>Accepts a caller's id only if it is short and printable; otherwise makes one.</summary>
    public static string Sanitize(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && candidate.Length <= 64 && candidate.All(c => c is > ' ' and < '\u007f')
            ? candidate
            : Guid.NewGuid().ToString("N");
}
