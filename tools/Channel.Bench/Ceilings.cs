using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Channel.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

/// <summary>
/// What this machine can do at all, measured in the same run so our figures can be read as ratios:
/// PostgreSQL committing single-row inserts (pgbench, at the load's concurrency), and RabbitMQ
/// taking persistent messages into a quorum queue with publisher confirms (pipelined) and handing
/// them to a consumer that acknowledges each.
/// </summary>
static partial class Ceilings
{
    public sealed record Result(double InsertsPerSecond, double InsertLatencyMs, double PublishedPerSecond, double ConsumedPerSecond, double CopiedPerSecond);

    public static async Task<Result> Run(Options options)
    {
        Console.WriteLine($"Ceilings: pgbench single-row inserts ({options.Concurrency} clients, {options.Seconds} s); RabbitMQ publish/consume with confirms");
        var (tps, latency) = await Pgbench(options.Concurrency, options.Seconds);
        var (published, consumed) = await Rabbit(options.Messages);
        var copied = await Copy(options.IngestLines);
        var result = new Result(tps, latency, published, consumed, copied);
        Console.WriteLine();
        Console.WriteLine("| ceiling | figure |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| PostgreSQL single-row insert transactions (pgbench, {options.Concurrency} clients) | {tps:N0}/s, {latency:F2} ms average |");
        Console.WriteLine($"| RabbitMQ publish with confirms (1 KB persistent, quorum queue, pipelined) | {published:N0} messages/s |");
        Console.WriteLine($"| RabbitMQ publish + consume with acks, end to end | {consumed:N0} messages/s |");
        Console.WriteLine($"| PostgreSQL binary COPY of sell-through-shaped rows ({options.IngestLines:N0}, one transaction) | {copied:N0} rows/s |");
        return result;
    }

    internal static async Task<(double Tps, double LatencyMs)> Pgbench(int clients, int seconds)
    {
        await using var db = await TestDatabase.Create("bench_ceiling");
        await using (var conn = await db.Open())
        {
            await using var create = conn.CreateCommand();
            create.CommandText = "create table rows (id bigint generated always as identity primary key, payload text not null, at timestamptz not null default now())";
            await create.ExecuteNonQueryAsync();
        }
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, "insert into rows (payload) values (repeat('x', 200));\n");
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString);
        var start = new ProcessStartInfo("pgbench",
        [
            "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
            "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", script,
            "-h", settings.Host!, "-p", settings.Port.ToString(CultureInfo.InvariantCulture), "-U", settings.Username ?? "postgres", db.Name,
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(script);
        if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench failed: {errors}");
        var tps = double.Parse(Tps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var latency = double.Parse(Latency().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        return (tps, latency);
    }

    static async Task<(double Published, double Consumed)> Rabbit(int messages)
    {
        await using var vhost = await TestVirtualHost.Create("ceiling");
        var factory = new ConnectionFactory { Uri = new Uri(vhost.Uri) };
        await using var connection = await factory.CreateConnectionAsync("channel-bench-ceiling");
        // Confirms tracked by the client; we keep at most a window of publishes awaiting theirs.
        await using var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        const string Queue = "ceiling";
        await publisher.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });

        await using var consumerChannel = await connection.CreateChannelAsync();
        await consumerChannel.BasicQosAsync(0, 200, false);
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
            if (Interlocked.Increment(ref received) == messages) all.TrySetResult();
        };
        await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer);

        var body = Encoding.UTF8.GetBytes(new string('x', 1024));
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var clock = Stopwatch.StartNew();
        const int Window = 1000;
        for (var sent = 0; sent < messages; sent += Window)
        {
            var pending = new List<Task>(Window);
            for (var i = sent; i < Math.Min(messages, sent + Window); i++)
                pending.Add(publisher.BasicPublishAsync("", Queue, false, properties, body).AsTask());
            await Task.WhenAll(pending);
        }
        var publishedIn = clock.Elapsed.TotalSeconds;
        await all.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var consumedIn = clock.Elapsed.TotalSeconds;
        return (messages / publishedIn, messages / consumedIn);
    }

    /// <summary>Rows shaped like sell-through lines, written with binary COPY in one transaction: what storing a report costs at least.</summary>
    static async Task<double> Copy(int rows)
    {
        await using var db = await TestDatabase.Create("bench_copy");
        await using var conn = await db.Open();
        await using (var create = conn.CreateCommand())
        {
            create.CommandText = """
                create table lines (report_id uuid not null, line_no int not null, invoice_number text not null, invoice_date date not null,
                    transaction_type text not null, reseller_id uuid not null, end_customer_name text not null, end_customer_domain text,
                    country text not null, region text, postal_code text, sku text not null, quantity numeric not null,
                    unit_price numeric not null, extended_amount numeric not null, currency text not null, primary key (report_id, line_no))
                """;
            await create.ExecuteNonQueryAsync();
        }
        var report = Guid.NewGuid();
        var reseller = Guid.NewGuid();
        var clock = Stopwatch.StartNew();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var copy = await conn.BeginBinaryImportAsync("copy lines from stdin (format binary)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(report);
                await copy.WriteAsync(i + 1);
                await copy.WriteAsync($"INV-{i / 3}");
                await copy.WriteAsync(new DateOnly(2026, 10, 1 + i % 28));
                await copy.WriteAsync("sale");
                await copy.WriteAsync(reseller);
                await copy.WriteAsync($"Customer {i % 20000}, Inc.");
                await copy.WriteAsync($"customer{i % 20000}.example");
                await copy.WriteAsync("US");
                await copy.WriteAsync("CA");
                await copy.WriteAsync("94110");
                await copy.WriteAsync("SW-9300-48P");
                await copy.WriteAsync((decimal)(1 + i % 9));
                await copy.WriteAsync(125m);
                await copy.WriteAsync((decimal)(125 * (1 + i % 9)));
                await copy.WriteAsync("USD");
            }
            await copy.CompleteAsync();
        }
        await tx.CommitAsync();
        return rows / clock.Elapsed.TotalSeconds;
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();
}
