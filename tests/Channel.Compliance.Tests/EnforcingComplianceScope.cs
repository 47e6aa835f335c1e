using System.Net.Http.Json;

namespace Channel.Compliance.Tests;

/// <summary>
/// Only compliance officers (and admins) see evidence or change what screening uses: every other role gets 403 from
/// every endpoint but the attestation statement, which anyone registering needs to read.
/// </summary>
public sealed class EnforcingComplianceScope(ComplianceApp app) : IClassFixture<ComplianceApp>
{
    public static TheoryData<string> Reads => new()
    {
        "/api/compliance/queue", "/api/compliance/rules", "/api/compliance/lists/entries", "/api/compliance/changes",
        "/api/compliance/decisions?subject=deal:x",
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Every_read_of_evidence_is_for_compliance_officers_only(string path)
    {
        var (deal, _) = await app.Register(new ComplianceApp.Customer("OST Middle East", Region: "OR"));
        path = path.Replace("deal:x", $"deal:{deal}");
        var changes = await app.Get("/api/compliance/changes");
        var change = changes.GetProperty("items")[0].GetProperty("id").GetGuid();

        foreach (var p in new[] { path, $"/api/compliance/changes/{change}/impact", $"/api/compliance/subjects/deal/{deal}/screening" })
        {
            foreach (var client in new[] { app.Manager(), app.As("leadership"), app.As("partner", Guid.NewGuid()), app.As("distributor", distributorId: Guid.NewGuid()) })
                Assert.Equal(403, (int)(await client.GetAsync(p)).StatusCode);
            Assert.Equal(200, (int)(await app.As("admin").GetAsync(p)).StatusCode);
            Assert.Equal(200, (int)(await app.Officer().GetAsync(p)).StatusCode);
        }
        var queue = await app.Get("/api/compliance/queue?pageSize=200");
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == deal.ToString());
    }

    [Fact]
    public async Task No_other_role_changes_the_lists_or_rules_or_decides()
    {
        var (deal, _) = await app.Register(new ComplianceApp.Customer("OST Middle East", Region: "NV"));
        var before = await app.Db.Scalar<long>("select count(*) from changes");
        foreach (var client in new[] { app.Manager(), app.As("leadership"), app.As("partner", Guid.NewGuid()) })
        {
            Assert.Equal(403, (int)(await client.PostAsJsonAsync("/api/compliance/lists/entries", new { name = "Someone" })).StatusCode);
            Assert.Equal(403, (int)(await client.PostAsync("/api/compliance/lists/imports", ComplianceApp.Csv("_id,source,name\nx,y,z"))).StatusCode);
            Assert.Equal(403, (int)(await client.PostAsJsonAsync($"/api/compliance/queue/deal/{deal}/clear", new { reason = "mine" })).StatusCode);
            Assert.Equal(403, (int)(await client.PostAsJsonAsync("/api/compliance/screenings", new { name = "Someone" })).StatusCode);
        }
        Assert.Equal(before, await app.Db.Scalar<long>("select count(*) from changes"));
        Assert.Equal("open", await app.Db.Scalar<string>("select review from subjects where id = @id", new { id = deal.ToString() }));
    }

    [Fact]
    public async Task Anyone_signed_in_reads_the_attestation_statement()
    {
        var statement = await app.Get("/api/compliance/attestation", app.As("partner", Guid.NewGuid()));

        Assert.Equal(ComplianceApp.Attested, statement.GetProperty("version").GetString());
        Assert.Contains("covered telecommunications equipment", statement.GetProperty("text").GetString());
        Assert.Equal(401, (int)(await app.CreateClient().GetAsync("/api/compliance/attestation")).StatusCode);
    }
}
