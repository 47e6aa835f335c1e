namespace Channel.Notifications.Webhooks;

/// <summary>How webhooks are delivered (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Subscriptions must use https (turn off only for development and tests).</summary>
    public bool RequireHttps { get; set; } = true;
    /// <summary>Allow URLs on this machine (127.0.0.0/8, ::1): development and tests only.</summary>
    public bool AllowLoopback { get; set; }
    /// <summary>Allow private networks (10/8, 172.16/12, 192.168/16, fc00::/7), for a receiver inside the vendor's own network.</summary>
    public bool AllowPrivateNetworks { get; set; }
    /// <summary>How long a delivery keeps being retried before it is given up.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);
    /// <summary>The wait before the first retry; it doubles with each attempt, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>After this many failed attempts in a row (any deliveries) the subscription is disabled and its owner mailed.</summary>
    public int DisableAfterFailures { get; set; } = 20;
    /// <summary>How long the receiver has to answer one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Deliveries in flight at once, per instance.</summary>
    public int MaxConcurrency { get; set; } = 8;
    public int BatchSize { get; set; } = 100;
}
