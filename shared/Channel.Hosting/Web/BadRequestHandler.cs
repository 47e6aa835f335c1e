using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Channel.Hosting.Web;

/// <summary>
/// Turns what the framework refuses before a handler runs (malformed JSON, a wrong-typed or unknown
/// field, a body that is too large, a missing body) into a problem document that names the field.
/// Anything else unhandled is a 500 problem without internals.
/// </summary>
public sealed partial class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // Anything else is for the next handler (a service's database errors), or a 500 problem without internals.
        if (exception is not BadHttpRequestException bad) return false;
        var errors = new Dictionary<string, string[]>();
        var detail = bad.Message;
        if (bad.InnerException is JsonException json)
        {
            var (field, message) = Describe(json);
            errors[field] = [message];
            detail = "The request body could not be read as the expected JSON.";
        }
        else if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            detail = "The request body is too large.";
        else if (bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase))
        {
            errors["body"] = ["a JSON body is required"];
            detail = "The request needs a JSON body.";
        }
        http.Response.StatusCode = bad.StatusCode;
        var problem = errors.Count > 0
            ? new HttpValidationProblemDetails(errors) { Status = bad.StatusCode, Title = "The request has invalid fields.", Detail = detail }
            : new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = detail };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    static (string Field, string Message) Describe(JsonException e)
    {
        var unmapped = UnmappedProperty().Match(e.Message);
        if (unmapped.Success)
            return (FieldOf(e.Path, unmapped.Groups[1].Value), "is not a known field");
        var field = FieldOf(e.Path, null);
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
            return (field, "has the wrong type or format");
        return (field, "is not valid JSON here");
    }

    /// <summary>$.contact.email → contact.email; $ with an unknown property → that property.</summary>
    static string FieldOf(string? path, string? property)
    {
        var field = (path ?? "$").TrimStart('$').TrimStart('.');
        field = field.Replace("['", ".").Replace("']", "");
        if (property is not null && !field.EndsWith(property, StringComparison.Ordinal))
            field = field.Length == 0 ? property : $"{field}.{property}";
        return field.Length == 0 ? "body" : field;
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
