using System.Net.Http.Headers;
using System.Text.Json;
using Channel.Hosting.Auth;

namespace Channel.Gateway;

/// <summary>
/// Local runs only: the dashboard offers the demo users (a channel manager, a leader, a partner and
/// a distributor) and signs them in with the same local tokens the API takes. On only in
/// Development or when Gateway:DemoSignIn is set (which <c>./channel up --demo</c> does, and the
/// compose and Kubernetes deployments never do), and even then only to callers on this machine
/// (loopback): anyone who reaches it could act as a channel manager. The partner and the
/// distributor are the first active ones the services know.
/// </summary>
public static class DemoSignIn
{
    public sealed record DemoUser(string Id, string Name, string Role, Guid? PartnerId, Guid? DistributorId, string Description);

    public static bool Enabled(WebApplication app) => app.Configuration.GetValue("Gateway:DemoSignIn", false) || app.Environment.IsDevelopment();

    public static void Map(WebApplication app)
    {
        if (!Enabled(app)) return;
        var key = AuthSetup.SigningKey(app.Configuration);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string Address(string cluster) => app.Configuration[$"ReverseProxy:Clusters:{cluster}:Destinations:main:Address"]!.TrimEnd('/');

        async Task<List<DemoUser>> Users(CancellationToken ct)
        {
            var manager = AuthSetup.Mint(key, Roles.ChannelManager, "demo-manager");
            async Task<JsonElement?> First(string url)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manager);
                using var response = await http.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode) return null;
                var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
                var items = json.ValueKind == JsonValueKind.Array ? json : json.GetProperty("items");
                return items.GetArrayLength() > 0 ? items[0].Clone() : null;
            }
            var users = new List<DemoUser>
            {
                new("manager", "Morgan (channel manager)", Roles.ChannelManager, null, null, "Reviews partners, works the deal queue"),
                new("leader", "Lee (sales leadership)", Roles.Leadership, null, null, "Pipeline and sell-through across the channel"),
            };
            try
            {
                // The partner with the most pipeline (the most to show), else the newest active one.
                if (await First($"{Address("reports")}/api/reports/pipeline/partner") is { } top && top.GetProperty("label").ValueKind == JsonValueKind.String)
                    users.Add(new("partner", $"Pat at {top.GetProperty("label").GetString()}", Roles.Partner, Guid.Parse(top.GetProperty("key").GetString()!),
                        null, "A reseller: its own deals and figures"));
                else if (await First($"{Address("partners")}/api/partners?status=active&pageSize=1") is { } p)
                    users.Add(new("partner", $"Pat at {p.GetProperty("legalName").GetString()}", Roles.Partner, p.GetProperty("id").GetGuid(), null,
                        "A reseller: its own deals and figures"));
                if (await First($"{Address("distributors")}/api/distributors") is { } d)
                    users.Add(new("distributor", $"Dana at {d.GetProperty("name").GetString()}", Roles.Distributor, null, d.GetProperty("id").GetGuid(),
                        "A distributor: its resellers, its registrations and sell-through"));
            }
            catch (HttpRequestException) { }
            return users;
        }

        var demo = app.MapGroup("/demo").AllowAnonymous().ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address)
                ? await next(context)
                : Results.Problem(statusCode: 404, title: "Demo sign-in is for this machine only."));
        demo.MapGet("/users", async (CancellationToken ct) => Results.Ok(await Users(ct)));
        demo.MapPost("/sign-in/{id}", async (string id, CancellationToken ct) =>
        {
            var user = (await Users(ct)).FirstOrDefault(u => u.Id == id);
            if (user is null) return Results.Problem(statusCode: 404, title: "No such demo user.");
            var token = AuthSetup.Mint(key, user.Role, $"demo-{user.Id}", user.PartnerId, user.DistributorId);
            return Results.Ok(new { token, user });
        });
    }
}
