using System.Net.Http.Json;
using System.Text.Json;

namespace Channel.Testing;

/// <summary>A mail smtp4dev caught: its recipients, subject and both parts.</summary>
public sealed record CaughtMail(string Id, string[] To, string Subject, string Text, string Html);

/// <summary>Reads what smtp4dev caught, through its web API.</summary>
public sealed class Smtp4dev : IDisposable
{
    readonly HttpClient api = new() { BaseAddress = new Uri(TestEnvironment.SmtpApi), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every caught mail addressed to any of these recipients, with its parts.</summary>
    public async Task<List<CaughtMail>> To(params string[] recipients)
    {
        var wanted = recipients.Select(r => r.ToLowerInvariant()).ToHashSet();
        var mails = new List<CaughtMail>();
        var page = await api.GetFromJsonAsync<JsonElement>("messages?pageSize=5000");
        foreach (var m in page.GetProperty("results").EnumerateArray())
        {
            var to = m.GetProperty("to").EnumerateArray().Select(t => t.GetString()!.ToLowerInvariant()).ToArray();
            if (!to.Any(t => wanted.Any(t.Contains))) continue;
            var id = m.GetProperty("id").GetString()!;
            var text = await Part(id, "plaintext");
            var html = await Part(id, "html");
            mails.Add(new CaughtMail(id, to, m.GetProperty("subject").GetString()!, text, html));
        }
        return mails;
    }

    /// <summary>The mail as it was sent (MIME), attachments and all.</summary>
    public async Task<string> Source(string id) => await Part(id, "raw");

    async Task<string> Part(string id, string part)
    {
        using var response = await api.GetAsync($"messages/{id}/{part}");
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
    }

    /// <summary>Waits until at least this many mails reached these recipients; returns them all.</summary>
    public Task<List<CaughtMail>> WaitFor(int count, params string[] recipients) =>
        Eventually.Value(() => To(recipients), mails => mails.Count >= count, $"{count} mails to reach {string.Join(", ", recipients)}");

    public void Dispose() => api.Dispose();
}
