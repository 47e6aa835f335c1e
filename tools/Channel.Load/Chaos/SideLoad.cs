using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Testing;

namespace Channel.Load.Chaos;

/// <summary>
/// What else happens in the channel while partners register deals: a distributor uploads small
/// sell-through reports (lines that name the load's approved deals, and lines that match nothing),
/// and a channel manager suspends and reinstates partners of its own (each time authorizing them
/// again, since a suspension ends their authorizations). Every report the distributor was answered
/// 201 for is kept, for the ledger to find.
/// </summary>
public sealed class SideLoad(HttpClient http, RegistrationLoad registrations, IReadOnlyList<Guid> resellers, Guid distributor,
    IReadOnlyList<Guid> suspendable)
{
    readonly AuthenticationHeaderValue asDistributor = new("Bearer", Tokens.For("distributor", distributorId: distributor));
    readonly AuthenticationHeaderValue asManager = new("Bearer", Tokens.For("channel-manager"));
    int reports;

    public Guid Distributor => distributor;
    /// <summary>Report numbers the distributor was answered 201 for.</summary>
    public ConcurrentBag<string> Received { get; } = [];
    public int Suspensions { get; private set; }
    public ConcurrentBag<int> Errors { get; } = [];

    /// <summary>A distributor that serves every reseller of the load and the partners this load suspends.</summary>
    public static async Task<SideLoad> Start(HttpClient http, RegistrationLoad registrations, IReadOnlyList<Guid> resellers, IReadOnlyList<Guid> suspendable)
    {
        var manager = new AuthenticationHeaderValue("Bearer", Tokens.For("channel-manager"));
        using var onboard = new HttpRequestMessage(HttpMethod.Post, "/api/distributors")
        {
            Headers = { Authorization = manager },
            Content = JsonContent.Create(new { name = $"Chaos Supply {Guid.NewGuid():N}", countries = new[] { "US" }, regions = new[] { "CA" } }),
        };
        var distributor = (await (await http.SendAsync(onboard)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var load = new SideLoad(http, registrations, resellers, distributor, suspendable);
        foreach (var partner in resellers.Concat(suspendable)) await load.Authorize(partner, until: DateTime.UtcNow.AddSeconds(60));
        return load;
    }

    /// <summary>Authorizes the distributor for the partner, trying again while the Distributors service has not yet heard it is active.</summary>
    async Task<bool> Authorize(Guid partner, DateTime until)
    {
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/distributors/{distributor}/authorizations")
            {
                Headers = { Authorization = asManager },
                Content = JsonContent.Create(new { partnerId = partner, regions = new[] { "CA" } }),
            };
            try
            {
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(500);
        }
    }

    public Task Run(CancellationToken stop) => Task.WhenAll(Task.Run(() => Uploads(stop)), Task.Run(() => SuspendAndReinstate(stop)));

    async Task Uploads(CancellationToken stop)
    {
        var random = new Random(7);
        while (!stop.IsCancellationRequested)
        {
            var number = $"CH-{Interlocked.Increment(ref reports):00000}-{Guid.NewGuid():N}"[..24];
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/distributors/{distributor}/reports")
            {
                Headers = { Authorization = asDistributor },
                Content = new StringContent(Report(random, number), Encoding.UTF8, "text/csv"),
            };
            try
            {
                using var response = await http.SendAsync(request, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created) Received.Add(number);
                else Errors.Add((int)response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { Errors.Add(0); }
            await Task.Delay(1500, CancellationToken.None);
        }
    }

    string Report(Random random, string number)
    {
        var today = DateTime.UtcNow;
        var (start, end) = (new DateTime(today.Year, today.Month, 1), new DateTime(today.Year, today.Month, 1).AddMonths(1).AddDays(-1));
        var approved = registrations.Approved.Keys.Where(registrations.PartnerOf.ContainsKey).ToList();
        var sb = new StringBuilder("report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency,deal_id\n");
        for (var i = 0; i < random.Next(5, 40); i++)
        {
            var deal = approved.Count > 0 && random.Next(2) == 0 ? approved[random.Next(approved.Count)] : (Guid?)null;
            var reseller = deal is { } d ? registrations.PartnerOf[d] : resellers[random.Next(resellers.Count)];
            var (quantity, price) = (random.Next(1, 5), random.Next(100, 3000));
            sb.Append($"{number},{start:yyyy-MM-dd},{end:yyyy-MM-dd},INV-{i},{today:yyyy-MM-dd},sale,{reseller},Walk-in Customer {i},US,SW-9300-48P,{quantity},{price}.00,{quantity * price}.00,USD,{deal}\n");
        }
        return sb.ToString();
    }

    async Task SuspendAndReinstate(CancellationToken stop)
    {
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(8000, CancellationToken.None);
            if (stop.IsCancellationRequested) break;
            var partner = suspendable[turn++ % suspendable.Count];
            if (await Manage(partner, "suspend") && await Manage(partner, "reinstate"))
            {
                Suspensions++;
                await Authorize(partner, until: DateTime.UtcNow.AddSeconds(30));
            }
        }
    }

    async Task<bool> Manage(Guid partner, string action)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/partners/{partner}/{action}")
        {
            Headers = { Authorization = asManager },
            Content = JsonContent.Create(new { reason = "chaos: compliance check" }),
        };
        try
        {
            using var response = await http.SendAsync(request, CancellationToken.None);
            if (!response.IsSuccessStatusCode) Errors.Add((int)response.StatusCode);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { Errors.Add(0); return false; }
    }
}
