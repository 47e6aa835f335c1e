using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Channel.Testing;

public static class Problems
{
    /// <summary>Asserts a 400 problem document that names each of the given fields.</summary>
    public static async Task<JsonElement> AssertBadRequest(this HttpResponseMessage response, params string[] fields)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        var errors = problem.GetProperty("errors");
        foreach (var field in fields)
            Assert.True(errors.TryGetProperty(field, out _), $"the problem does not name '{field}': {body}");
        return problem;
    }

    public static async Task<JsonElement> AssertProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
