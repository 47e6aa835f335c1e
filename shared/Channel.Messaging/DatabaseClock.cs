namespace Channel.Messaging;

/// <summary>
/// The system clock at the precision PostgreSQL stores (microseconds): a time a service saves and
/// the same time its event carries are then equal to the last digit in every reader's copy.
/// </summary>
public sealed class DatabaseClock : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        var now = base.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
