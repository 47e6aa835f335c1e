using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Channel.Load;

/// <summary>One request the load made: when it started (since the load's clock started), how long it took, what came back.</summary>
public sealed record Attempt(string Kind, double StartedMs, double Milliseconds, int Status, Guid? DealId)
{
    /// <summary>An approval refused because the deal's compliance screening has not reached Deals yet.</summary>
    public bool ScreeningPending { get; init; }
}

/// <summary>
/// Partners registering deals through the gateway at a fixed concurrency, as many as they can: one in
/// ten for a customer another partner registered a moment earlier (a conflict with one deal), and a
/// channel manager approving every fifth deal once the Compliance service has screened it (an approval
/// answered "screening not finished" is tried again later, and is not an answer the run counts). Every answer is kept: the ledger of
/// 201s (deal id → when the answer came) is what a fault-injection run checks against the databases.
/// A failed request is not retried (a registration has no idempotency key), so an error the client
/// saw either wrote nothing or wrote a deal the client never heard of; the run reports both.
/// </summary>
public sealed class RegistrationLoad(HttpClient http, IReadOnlyList<Guid> partners, Func<Guid, string> partnerToken, string managerToken)
{
    readonly ConcurrentQueue<Attempt> attempts = new();
    readonly Dictionary<Guid, AuthenticationHeaderValue> tokens =
        partners.ToDictionary(p => p, p => new AuthenticationHeaderValue("Bearer", partnerToken(p)));
    readonly AuthenticationHeaderValue manager = new("Bearer", managerToken);
    readonly ConcurrentQueue<(Guid Id, double Since)> toApprove = new();
    int sequence;

    /// <summary>How long a registration waits before its approval is tried (screening usually takes a few milliseconds).</summary>
    static readonly TimeSpan ScreeningTime = TimeSpan.FromMilliseconds(200);

    /// <summary>Each request's customer is named after the run and its number, so a deal can be traced to the request that made it.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];
    public Stopwatch Clock { get; } = new();
    public ConcurrentDictionary<Guid, double> Registered { get; } = new();
    public ConcurrentDictionary<Guid, double> Approved { get; } = new();
    /// <summary>Whose each registered deal is.</summary>
    public ConcurrentDictionary<Guid, Guid> PartnerOf { get; } = new();
    public IReadOnlyCollection<Attempt> Attempts => attempts;

    public string CustomerOf(int n) => $"Load Customer {RunId} {n}";

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled; requests in flight then finish and are counted.
    /// Without a rate, each client sends its next request as soon as the last one is answered (as
    /// fast as the system goes); with one, registrations are spread evenly at that many per second.
    /// </summary>
    public Task Run(int concurrency, CancellationToken stop, double? perSecond = null)
    {
        if (!Clock.IsRunning) Clock.Start();
        var startedAt = Clock.Elapsed.TotalMilliseconds;
        var first = sequence;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => Worker(stop, perSecond, startedAt, first), CancellationToken.None)));
    }

    async Task Worker(CancellationToken stop, double? perSecond, double startedAt, int first)
    {
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref sequence);
            if (perSecond is { } rate)
            {
                var wait = startedAt + (n - first) * 1000.0 / rate - Clock.Elapsed.TotalMilliseconds;
                if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), CancellationToken.None);
            }
            var partner = partners[n % partners.Count];
            var customer = n % 10 == 0 && n > 7 ? CustomerOf(n - 7) : CustomerOf(n);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/deals")
            {
                Headers = { Authorization = tokens[partner] },
                Content = JsonContent.Create(new
                {
                    customer = new { legalName = customer, country = "US", region = "CA", sector = "commercial" },
                    products = new[] { new { sku = "SW-9300-48P", quantity = 2, amount = 15_000m } },
                    totalValue = 15_000m,
                    currency = "USD",
                    expectedClose = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd"),
                    notes = $"load {RunId} request {n}",
                }),
            };
            var registered = await Send("register", request);
            if (registered.DealId is not { } id)
            {
                await Task.Delay(50, CancellationToken.None); // a client backs off a little after an error
                continue;
            }
            Registered[id] = registered.StartedMs + registered.Milliseconds;
            PartnerOf[id] = partner;
            if (n % 5 == 0) toApprove.Enqueue((id, Clock.Elapsed.TotalMilliseconds));
            if (toApprove.TryPeek(out var next) && Clock.Elapsed.TotalMilliseconds - next.Since >= ScreeningTime.TotalMilliseconds
                && toApprove.TryDequeue(out next))
                await Approve(next.Id);
        }
    }

    async Task Approve(Guid id)
    {
        using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/deals/{id}/approve") { Headers = { Authorization = manager } };
        var approved = await Send("approve", approve, id);
        if (approved.Status == (int)HttpStatusCode.OK) Approved[id] = approved.StartedMs + approved.Milliseconds;
        else if (approved.ScreeningPending) toApprove.Enqueue((id, Clock.Elapsed.TotalMilliseconds));
    }

    /// <summary>Sends one request; the attempt names the deal (the one created, for a 201 on registration).</summary>
    async Task<Attempt> Send(string kind, HttpRequestMessage request, Guid? dealId = null)
    {
        var started = Clock.Elapsed.TotalMilliseconds;
        var status = 0; // no answer: refused, reset or timed out
        var pending = false;
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            status = (int)response.StatusCode;
            if (dealId is null && response.StatusCode == HttpStatusCode.Created)
                dealId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
            pending = response.StatusCode == HttpStatusCode.Conflict && System.Text.Encoding.UTF8.GetString(body).Contains("screening has not finished");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { }
        var attempt = new Attempt(kind, started, Clock.Elapsed.TotalMilliseconds - started, status, dealId) { ScreeningPending = pending };
        // Not yet screened is not an answer to count: the approval is simply tried again.
        if (!pending) attempts.Enqueue(attempt);
        return attempt;
    }
}
