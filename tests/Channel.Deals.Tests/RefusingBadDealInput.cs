using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Channel.Contracts.Deals;
using Channel.Testing;

namespace Channel.Deals.Tests;

/// <summary>Every write endpoint answers bad input with 400 naming the field, and writes and publishes nothing.</summary>
public sealed class RefusingBadDealInput(DealsApp app) : IClassFixture<DealsApp>
{
    public sealed record Endpoint(string Name, string Method, string Path, string Setup, string? TextField, string[] Required);

    static readonly Endpoint[] endpoints =
    [
        new("register", "POST", "/api/deals", "none", "customer.legalName",
            ["customer.legalName", "customer.country", "customer.region", "customer.sector", "products", "totalValue", "currency", "expectedClose"]),
        new("edit", "PUT", "/api/deals/{id}", "returned", "customer.legalName", ["customer.legalName", "products", "currency"]),
        new("reject", "POST", "/api/deals/{id}/reject", "submitted", "reason", ["reason"]),
        new("return", "POST", "/api/deals/{id}/return", "submitted", "reason", ["reason"]),
        new("extension-request", "POST", "/api/deals/{id}/extension-request", "approved", "reason", ["reason"]),
        new("won", "POST", "/api/deals/{id}/won", "approved", null, ["actualAmount"]),
        new("lost", "POST", "/api/deals/{id}/lost", "approved", "reason", ["reason"]),
    ];

    static readonly string[] cases = ["malformed", "missing", "wrong-type", "huge", "control", "unknown-field"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var e in endpoints)
            foreach (var c in cases)
                if (e.TextField is not null || c is "malformed" or "missing" or "unknown-field" or "wrong-type")
                    data.Add(e.Name, c);
        return data;
    }

    JsonObject ValidBody(Endpoint endpoint) => endpoint.Name switch
    {
        "register" or "edit" => JsonNode.Parse(JsonContent.Create(app.Registration("Valid Customer Inc")).ReadAsStringAsync().Result)!.AsObject(),
        "won" => new JsonObject { ["actualAmount"] = 1000 },
        _ => new JsonObject { ["reason"] = "a reason" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_with_400_naming_the_field_and_changes_nothing(string endpointName, string badness)
    {
        var endpoint = endpoints.Single(e => e.Name == endpointName);
        var partner = await app.ActivePartner();
        var id = await Setup(partner, endpoint.Setup);
        var body = ValidBody(endpoint);
        if (endpoint.Name == "register") body.Remove("partnerId");
        var (json, fields) = badness switch
        {
            "malformed" => (body.ToJsonString()[..^4], Array.Empty<string>()),
            "missing" => ("{}", endpoint.Required),
            "wrong-type" => (Set(body, endpoint.TextField ?? "actualAmount", endpoint.TextField is null ? JsonValue.Create("lots") : JsonValue.Create(42)),
                [endpoint.TextField ?? "actualAmount"]),
            "huge" => (Set(body, endpoint.TextField!, JsonValue.Create(new string('y', 1024 * 1024))), [endpoint.TextField!]),
            "control" => (Set(body, endpoint.TextField!, JsonValue.Create("bad\u0000\u001b[31m")), [endpoint.TextField!]),
            "unknown-field" => (Set(body, "approvedBy", JsonValue.Create("me")), ["approvedBy"]),
            _ => throw new ArgumentOutOfRangeException(nameof(badness)),
        };
        var before = await Snapshot(partner);

        var client = endpoint.Name is "reject" or "return" ? app.Manager() : app.Partner(partner);
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path.Replace("{id}", id.ToString()))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        });

        await response.AssertBadRequest(fields);
        Assert.Equal(before, await Snapshot(partner));
        var marker = await app.RegisterFor(partner);
        await app.Events.WaitFor<DealRegistered>(e => e.DealId == marker);
        Assert.DoesNotContain(app.Events.All, e => e.Message is not DealRegistered && DealOf(e.Message) == id && VersionOf(e.Message) > before.Version);
    }

    [Theory]
    [InlineData("customer.sector", "space-agency")]
    [InlineData("customer.country", "XX")]
    [InlineData("customer.domain", "x'; drop table deals; --")]
    [InlineData("currency", "DOGE")]
    [InlineData("expectedClose", "2020-01-01")]
    [InlineData("expectedClose", "next tuesday")]
    [InlineData("totalValue", -5)]
    [InlineData("products[0].quantity", -1)]
    [InlineData("products[0].sku", "NOT A SKU!")]
    [InlineData("products", "[]")]
    public async Task A_registration_with_a_bad_value_is_refused_naming_it(string field, object value)
    {
        var partner = await app.ActivePartner();
        var body = ValidBody(endpoints[0]);
        body.Remove("partnerId");
        JsonNode node = value switch
        {
            "[]" => new JsonArray(),
            string s => JsonValue.Create(s),
            int i => JsonValue.Create(i),
            _ => throw new ArgumentException("value"),
        };
        if (field.StartsWith("products[0].")) body["products"]![0]![field["products[0].".Length..]] = node;
        else Set(body, field, node);

        var response = await app.Partner(partner).PostAsync("/api/deals",
            new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        await response.AssertBadRequest(field);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from deals where partner_id = @partner", new { partner }));
    }

    [Fact]
    public async Task Sql_in_free_text_is_stored_as_given()
    {
        var partner = await app.ActivePartner();
        var earlier = (await app.Register(app.Partner(partner), app.Registration("Earlier Customer Inc"))).GetProperty("id").GetGuid();
        const string name = "'; DELETE FROM deals WHERE ''='";

        var deal = await app.Register(app.Partner(partner), app.Registration(name));

        Assert.Equal(name, deal.GetProperty("customerName").GetString());
        // The deal registered before it is still there, and so is this one, with the text as given.
        var ids = new[] { earlier, deal.GetProperty("id").GetGuid() };
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from deals where id = any(@ids)", new { ids }));
        Assert.Equal(name, await app.Db.Scalar<string>("select customer_name from deals where id = @id", new { id = ids[1] }));
    }

    static string Set(JsonObject body, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = body;
        foreach (var part in parts[..^1]) target = target[part]!.AsObject();
        target[parts[^1]] = value;
        return body.ToJsonString();
    }

    async Task<Guid> Setup(Guid partner, string state)
    {
        if (state == "none") return Guid.Empty;
        var id = await app.RegisterFor(partner);
        if (state == "returned") (await app.Manager().PostAsJsonAsync($"/api/deals/{id}/return", new { reason = "more" })).EnsureSuccessStatusCode();
        if (state == "approved") await app.Cleared(id);
        if (state == "approved") (await app.Manager().PostAsync($"/api/deals/{id}/approve", null)).EnsureSuccessStatusCode();
        return id;
    }

    sealed record State(long Deals, int Version, long History, long Lines);

    async Task<State> Snapshot(Guid partner) => new(
        await app.Db.Scalar<long>("select count(*) from deals where partner_id = @partner", new { partner }),
        await app.Db.Scalar<int>("select coalesce(max(version), 0) from deals where partner_id = @partner", new { partner }),
        await app.Db.Scalar<long>("select count(*) from deal_history h join deals d on d.id = h.deal_id where d.partner_id = @partner", new { partner }),
        await app.Db.Scalar<long>("select count(*) from deal_lines l join deals d on d.id = l.deal_id where d.partner_id = @partner", new { partner }));

    static Guid? DealOf(object message) => (Guid?)message.GetType().GetProperty("DealId")?.GetValue(message);
    static int VersionOf(object message) => (int)message.GetType().GetProperty("Version")!.GetValue(message)!;

    [Fact]
    public async Task A_government_customer_must_say_which_and_a_public_sector_one_needs_the_attestation()
    {
        var partner = await app.ActivePartner();
        var before = await app.Db.Scalar<long>("select count(*) from deals");

        await (await app.Partner(partner).PostAsJsonAsync("/api/deals", app.Registration("City of Fresno", sector: "government")))
            .AssertBadRequest("customer.type");
        await (await app.Partner(partner).PostAsJsonAsync("/api/deals", app.Registration("City of Fresno", type: "state-local-government")))
            .AssertBadRequest("attestation.accepted", "attestation.version");
        await (await app.Partner(partner).PostAsJsonAsync("/api/deals", app.Registration("Fresno Bakery", funding: "federal-grant")))
            .AssertBadRequest("attestation.accepted", "attestation.version");
        await (await app.Partner(partner).PostAsJsonAsync("/api/deals", app.Registration("Fresno Bakery", type: "space-agency")))
            .AssertBadRequest("customer.type");

        Assert.Equal(before, await app.Db.Scalar<long>("select count(*) from deals"));
    }
}
