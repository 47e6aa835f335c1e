using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Channel.Contracts.Partners;

using Channel.Testing;

namespace Channel.Partners.Tests;

/// <summary>
/// Every write endpoint, fed every kind of bad input, answers 400 naming the bad field, writes
/// nothing and publishes nothing.
/// </summary>
public sealed class RefusingBadInput(PartnersApp app) : IClassFixture<PartnersApp>
{
    public sealed record Endpoint(string Name, string Path, string Setup, string ValidJson, string[] Required, string TextField,
        string? EnumField, string? FormattedField);

    static readonly Endpoint[] endpoints =
    [
        new("apply", "/api/partners/applications", "none",
            """{"legalName":"Valid Co","country":"US","region":"CA","websiteDomain":"{domain}","partnerType":"var","primaryContact":{"name":"A B","email":"a@{domain}"},"agreementVersion":"2026-01"}""",
            ["legalName", "country", "region", "websiteDomain", "partnerType", "primaryContact.name", "primaryContact.email", "agreementVersion"],
            "legalName", "partnerType", "websiteDomain"),
        new("approve", "/api/partners/{id}/approve", "applied", """{"tier":"gold"}""", ["tier"], "tier", "tier", "tier"),
        new("reject", "/api/partners/{id}/reject", "applied", """{"reason":"r"}""", ["reason"], "reason", null, null),
        new("clear-hold", "/api/partners/{id}/clear-hold", "on_hold", """{"reason":"r"}""", ["reason"], "reason", null, null),
        new("suspend", "/api/partners/{id}/suspend", "active", """{"reason":"r"}""", ["reason"], "reason", null, null),
        new("reinstate", "/api/partners/{id}/reinstate", "suspended", """{"reason":"r"}""", [], "reason", null, null),
        new("terminate", "/api/partners/{id}/terminate", "active", """{"reason":"r"}""", ["reason"], "reason", null, null),
        new("tier", "/api/partners/{id}/tier", "active", """{"tier":"gold","reason":"r"}""", ["tier", "reason"], "reason", "tier", "tier"),
        new("users", "/api/partners/{id}/users", "active", """{"name":"N M","email":"n@{domain}","role":"sales"}""",
            ["name", "email", "role"], "name", "role", "email"),
    ];

    static readonly string[] cases = ["malformed", "missing", "wrong-type", "unknown-enum", "huge", "control", "sql", "unknown-field"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var e in endpoints)
            foreach (var c in cases)
            {
                if (c == "missing" && e.Required.Length == 0) continue;
                if (c == "unknown-enum" && e.EnumField is null) continue;
                if (c == "sql" && e.FormattedField is null) continue;
                data.Add(e.Name, c);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_with_400_naming_the_field_and_changes_nothing(string endpointName, string badness)
    {
        var endpoint = endpoints.Single(e => e.Name == endpointName);
        var (id, domain) = await Setup(endpoint.Setup);
        var path = endpoint.Path.Replace("{id}", id.ToString());
        var valid = JsonNode.Parse(endpoint.ValidJson.Replace("{domain}", domain))!.AsObject();
        var (json, fields) = Break(endpoint, valid, badness);
        var before = await Snapshot(id);

        var client = endpoint.Name == "apply" ? app.Anonymous() : app.Manager();
        var response = await client.PostJson(path, json);

        var problem = await response.AssertBadRequest(fields);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal(before, await Snapshot(id));
        await AssertNothingPublishedFor(id, before.Version);
    }

    [Fact]
    public async Task Sql_in_free_text_is_stored_exactly_as_given()
    {
        var earlier = await app.Apply();
        const string name = "Robert'); DROP TABLE partners; -- Networks";
        var id = await app.Apply(PartnersApp.Application(name: name));

        Assert.Equal(name, (await app.Get(id)).GetProperty("legalName").GetString());
        // The table and the partner stored before it are still there.
        Assert.Equal(2L, await app.Db.Scalar<long>("select count(*) from partners where id = any(@ids)", new { ids = new[] { earlier, id } }));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_without_a_500()
    {
        var before = await app.Db.Scalar<long>("select count(*) from partners");

        var response = await app.Anonymous().PostAsync("/api/partners/applications",
            new StringContent("legalName=Acme", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(before, await app.Db.Scalar<long>("select count(*) from partners"));
    }

    [Fact]
    public async Task An_empty_body_is_400()
    {
        var id = await app.Apply();

        var response = await app.Manager().PostJson($"/api/partners/{id}/approve", "");

        await response.AssertBadRequest("body");
    }

    static (string Json, string[] Fields) Break(Endpoint endpoint, JsonObject valid, string badness)
    {
        switch (badness)
        {
            case "malformed":
                var text = valid.ToJsonString();
                return (text[..^3], []);
            case "missing":
                return ("{}", endpoint.Required);
            case "wrong-type":
                Set(valid, endpoint.TextField, JsonValue.Create(42));
                return (valid.ToJsonString(), [endpoint.TextField]);
            case "unknown-enum":
                Set(valid, endpoint.EnumField!, JsonValue.Create("diamond-distributor"));
                return (valid.ToJsonString(), [endpoint.EnumField!]);
            case "huge":
                Set(valid, endpoint.TextField, JsonValue.Create(new string('x', 1024 * 1024)));
                return (valid.ToJsonString(), [endpoint.TextField]);
            case "control":
                Set(valid, endpoint.TextField, JsonValue.Create("bad\u0000value\u0007"));
                return (valid.ToJsonString(), [endpoint.TextField]);
            case "sql":
                Set(valid, endpoint.FormattedField!, JsonValue.Create("x'; drop table partners; --"));
                return (valid.ToJsonString(), [endpoint.FormattedField!]);
            case "unknown-field":
                valid["isAdmin"] = true;
                return (valid.ToJsonString(), ["isAdmin"]);
            default:
                throw new ArgumentOutOfRangeException(nameof(badness));
        }
    }

    static void Set(JsonObject body, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var target = body;
        foreach (var part in parts[..^1]) target = target[part]!.AsObject();
        target[parts[^1]] = value;
    }

    async Task<(Guid Id, string Domain)> Setup(string state)
    {
        var domain = $"badinput-{Guid.NewGuid():N}"[..20] + ".example";
        if (state == "none") return (Guid.Empty, domain);
        var id = state == "on_hold" ? await app.LookAlikeOnHold(domain) : await app.Apply(PartnersApp.Application(name: $"Setup {Guid.NewGuid():N}", domain: domain));
        var manager = app.Manager();
        if (state is "active" or "suspended")
            (await manager.PostAsJsonAsync($"/api/partners/{id}/approve", new { tier = "silver" })).EnsureSuccessStatusCode();
        if (state == "suspended")
            (await manager.PostAsJsonAsync($"/api/partners/{id}/suspend", new { reason = "setup" })).EnsureSuccessStatusCode();
        Assert.Equal(state, (await app.Get(id)).GetProperty("status").GetString());
        return (id, domain);
    }

    sealed record State(long Partners, int Version, long Audit, long Users);

    async Task<State> Snapshot(Guid id)
    {
        await using var conn = await app.Db.Open();
        return new State(
            await app.Db.Scalar<long>("select count(*) from partners"),
            await app.Db.Scalar<int>("select coalesce((select version from partners where id = @id), 0)", new { id }),
            await app.Db.Scalar<long>("select count(*) from partner_audit"),
            await app.Db.Scalar<long>("select count(*) from partner_users"));
    }

    /// <summary>
    /// A marker event committed after the refused request comes out of the same relay: once it has
    /// arrived, anything the refused request had written would have arrived too.
    /// </summary>
    async Task AssertNothingPublishedFor(Guid id, int versionBefore)
    {
        var marker = await app.Apply();
        await app.Events.WaitFor<PartnerApplied>(e => e.PartnerId == marker);
        Assert.Equal(0L, await app.Db.Scalar<long>("select count(*) from outbox where (body->>'version')::int > @versionBefore and body->>'partnerId' = @id",
            new { versionBefore, id = id.ToString() }));
        Assert.DoesNotContain(app.Events.All, e => PartnerIdOf(e.Message) == id && VersionOf(e.Message) > versionBefore);
    }

    static Guid? PartnerIdOf(object message) =>
        (Guid?)message.GetType().GetProperty("PartnerId")?.GetValue(message);

    static int VersionOf(object message) => (int)message.GetType().GetProperty("Version")!.GetValue(message)!;
}
