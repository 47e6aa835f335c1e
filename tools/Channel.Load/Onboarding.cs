using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Channel.Load;

/// <summary>Partners for a load run, made the way real ones are: they apply and a channel manager approves.</summary>
public static class Onboarding
{
    public static async Task<List<Guid>> Partners(HttpClient http, string managerToken, int count, string region = "CA")
    {
        var partners = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var domain = $"load-{Guid.NewGuid():N}"[..18] + ".example";
            using var apply = new HttpRequestMessage(HttpMethod.Post, "/api/partners/applications")
            {
                Content = JsonContent.Create(new
                {
                    legalName = $"Load Reseller {domain[5..13]}",
                    country = "US",
                    region,
                    websiteDomain = domain,
                    partnerType = "var",
                    primaryContact = new { name = "Load", email = $"load@{domain}" },
                    agreementVersion = "2026-01",
                }),
            };
            // Applications are limited per address; a channel manager entering them for the resellers is not.
            apply.Headers.Authorization = new AuthenticationHeaderValue("Bearer", managerToken);
            using var applied = await http.SendAsync(apply);
            var id = (await applied.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/partners/{id}/approve")
            {
                Content = JsonContent.Create(new { tier = "silver" }),
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", managerToken) },
            };
            (await http.SendAsync(approve)).EnsureSuccessStatusCode();
            partners.Add(id);
        }
        return partners;
    }
}
