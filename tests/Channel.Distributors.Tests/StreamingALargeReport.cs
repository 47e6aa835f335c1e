using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;
using Dapper;
using static Channel.Distributors.Tests.DistributorsApp;

namespace Channel.Distributors.Tests;

/// <summary>
/// The Distributors service as its own process, on Kestrel (real sockets, real streaming): a slow
/// upload holds no database transaction while its body streams in — the body is read to a
/// temporary file first, then the report is stored in one short transaction.
/// </summary>
public sealed class StreamingALargeReport : IAsyncLifetime
{
    TestDatabase db = null!;
    TestVirtualHost broker = null!;
    ServiceProcess service = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.Create("dist_stream");
        broker = await TestVirtualHost.Create("dist-stream");
        service = await ServiceProcess.Start("Distributors", new Dictionary<string, string>
        {
            ["ConnectionStrings__Db"] = db.ConnectionString,
            ["RabbitMq__Uri"] = broker.Uri,
        });
    }

    public async Task DisposeAsync()
    {
        await service.DisposeAsync();
        await broker.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task A_slow_upload_holds_no_transaction_while_its_body_streams_in()
    {
        using var http = new HttpClient { BaseAddress = new Uri(service.Address) }.As("channel-manager");
        var onboarded = await http.PostAsJsonAsync("/api/distributors", new { name = "Slow Supply", countries = new[] { "US" }, regions = new[] { "CA" } });
        var distributor = (await onboarded.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var n = $"POS-{Guid.NewGuid():N}"[..16];
        var paused = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        var content = new SlowContent(Encoding.UTF8.GetBytes(Csv(Header, Row(n, Guid.NewGuid(), 1))), Encoding.UTF8.GetBytes(Row(n, Guid.NewGuid(), 2) + "\n"),
            paused, resume).Typed();

        var upload = http.PostAsync($"/api/distributors/{distributor}/reports", content);
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(1000); // the service has the first part and waits for the rest
        long held;
        await using (var conn = await db.Open())
            held = await conn.ExecuteScalarAsync<long>("""
                select count(*) from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'
                """);
        resume.SetResult();
        var response = await upload;

        Assert.Equal(0L, held);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalLines").GetInt32());
    }
}

/// <summary>A body that sends its first part, then waits to be told to send the rest.</summary>
public sealed class SlowContent(byte[] first, byte[] rest, TaskCompletionSource paused, TaskCompletionSource resume) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(first);
        await stream.FlushAsync();
        paused.TrySetResult();
        await resume.Task;
        await stream.WriteAsync(rest);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    public SlowContent Typed()
    {
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        return this;
    }
}
