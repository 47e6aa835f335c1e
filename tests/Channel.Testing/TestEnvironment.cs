namespace Channel.Testing;

/// <summary>
/// Where the real PostgreSQL and RabbitMQ are: <c>./channel test</c> starts them and exports these
/// variables; the defaults are what <c>./channel infra</c> starts, so a plain <c>dotnet test</c> works too.
/// </summary>
public static class TestEnvironment
{
    public static string Postgres => Env("CHANNEL_TEST_PG", "Host=127.0.0.1;Port=55432;Username=postgres;Maximum Pool Size=50");
    public static string Rabbit => Env("CHANNEL_TEST_RABBIT", "amqp://guest:guest@127.0.0.1:5672/");
    public static string RabbitApi => Env("CHANNEL_TEST_RABBIT_API", "http://guest:guest@127.0.0.1:15672/api/");

    /// <summary>A second broker that fault tests may stop and start without disturbing the others.</summary>
    public static string FaultRabbit => Env("CHANNEL_TEST_FAULT_RABBIT", "amqp://guest:guest@127.0.0.1:5673/");
    public static string FaultRabbitApi => Env("CHANNEL_TEST_FAULT_RABBIT_API", "http://guest:guest@127.0.0.1:15673/api/");
    public static string FaultRabbitNode => Env("CHANNEL_TEST_FAULT_RABBIT_NODE", "channel-faults@localhost");
    /// <summary>
    /// The broker's control tool: CHANNEL_TEST_RABBITMQCTL, else Debian's (the one ./channel runs, which needs no sudo wrapper),
    /// else whatever rabbitmqctl is on the PATH.
    /// </summary>
    public static string Rabbitmqctl => Env("CHANNEL_TEST_RABBITMQCTL",
        new[] { "/usr/lib/rabbitmq/bin/rabbitmqctl" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "rabbitmqctl"))).FirstOrDefault(File.Exists) ?? "rabbitmqctl");
    public static string FaultRabbitHome => Env("CHANNEL_TEST_FAULT_RABBIT_HOME", Path.Combine(Root, ".channel", "rabbitmq-faults"));

    /// <summary>smtp4dev, which catches every mail: its SMTP port and its web API.</summary>
    public static string SmtpHost => "127.0.0.1";
    public static int SmtpPort => int.Parse(Env("CHANNEL_TEST_SMTP_PORT", "2525"), System.Globalization.CultureInfo.InvariantCulture);
    public static string SmtpApi => Env("CHANNEL_TEST_SMTP_API", "http://127.0.0.1:5080/api/");

    public static string Root => Env("CHANNEL_ROOT", FindRoot());

    /// <summary>A fixed key for test tokens; services under test are configured with it.</summary>
    public static readonly byte[] SigningKey = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
    public static string SigningKeyBase64 => Convert.ToBase64String(SigningKey);

    static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Channel.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
