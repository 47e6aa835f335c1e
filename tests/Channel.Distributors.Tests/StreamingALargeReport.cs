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
        // The handler has checked the distributor, the last thing it does before reading the body: it is now waiting for the rest.
        await using (var conn = await db.Open())
        {
            await conn.ExecuteAsync("create extension if not exists pg_stat_statements");
            await Eventually.True(async () => await conn.ExecuteScalarAsync<long>("""
                select coalesce(sum(s.calls), 0) from pg_stat_statements s join pg_database d on d.oid = s.dbid
                where d.datname = current_database() and s.query like 'select status from distributors where id%'
                """) >= 1, "the upload reaching the service's handler");
        }
        // While the body waits, the service holds no transaction open: sampled over half a second, not once.
        long held = 0;
        await using (var conn = await db.Open())
            for (var until = DateTime.UtcNow.AddMilliseconds(500); DateTime.UtcNow < until && held == 0; await Task.Delay(25))
                held = await conn.ExecuteScalarAsync<long>("""
                    select count(*) from pg_stat_activity
                    where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'
                      and query not like '%outbox%' -- the relay's batch, waiting for the broker (no reader is bound in this test)
                    """);
        resume.SetResult();
        var response = await upload;

        Assert.Equal(0L, held);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalLines").GetInt32());
    }

    [Fact]
    public async Task A_sixty_megabyte_field_is_refused_without_the_service_holding_it_in_memory()
    {
        using var http = new HttpClient { BaseAddress = new Uri(service.Address), Timeout = TimeSpan.FromMinutes(2) }.As("channel-manager");
        var onboarded = await http.PostAsJsonAsync("/api/distributors", new { name = "Huge Supply", countries = new[] { "US" }, regions = new[] { "CA" } });
        var distributor = (await onboarded.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var before = service.Memory();
        var content = new HugeFieldContent(60 * 1024 * 1024);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        var response = await http.PostAsync($"/api/distributors/{distributor}/reports", content);

        var problem = await response.AssertBadRequest("body");
        Assert.Contains("longer than", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        var after = service.Memory();
        // The body went to a temporary file and was refused line by line with a fixed buffer: the
        // service's peak memory grew by nothing like the field's 60 MB (it grew by ~350 MB before).
        Assert.True(after.Peak - before.Peak < 40 * 1024 * 1024, $"peak resident memory grew from {before.Peak >> 20} MB to {after.Peak >> 20} MB");
        Assert.Equal(0L, await db.Scalar<long>("select count(*) from reports"));
    }
}

/// <summary>A body of a header and one line whose customer name is one quoted field of <paramref name="bytes"/> bytes, written as it goes.</summary>
public sealed class HugeFieldContent(int bytes) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Header + "\nR-HUGE,2026-10-01,2026-10-31,INV-1,2026-10-15,sale," + Guid.NewGuid() + ",\""));
        var chunk = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
        for (var written = 0; written < bytes; written += chunk.Length) await stream.WriteAsync(chunk);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("\",,US,CA,94105,SW-1,1,1.00,1.00,USD,\n"));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
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
