using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.OpenApi;

namespace Channel.Hosting.Web;

/// <summary>
/// What each service's OpenAPI document says beyond what ASP.NET Core infers: every body its own schema (a feature's nested
/// <c>Request</c> is <c>ApprovePartnerRequest</c>, not one <c>Request</c> shared by all), the bearer token as the security
/// scheme of every endpoint that needs one (so /docs can authorize), the values a query parameter takes
/// (<see cref="WithValues"/>, <see cref="WithSort"/>) and those a body property takes (<see cref="ValuesFromAttribute"/>).
/// </summary>
public static class ApiDocument
{
    public const string Bearer = "Bearer";

    /// <summary>The values a query parameter takes, declared as an enum of its schema.</summary>
    public sealed record ParameterValues(string Name, IReadOnlyCollection<string> Values);

    /// <summary>Declares the values the query parameter <paramref name="name"/> takes.</summary>
    public static RouteHandlerBuilder WithValues(this RouteHandlerBuilder route, string name, IReadOnlyCollection<string> values) =>
        route.WithMetadata(new ParameterValues(name, values));

    /// <summary>Declares a list's <c>sort</c> keys and <c>direction</c>.</summary>
    public static RouteHandlerBuilder WithSort(this RouteHandlerBuilder route, ListSort sort) =>
        route.WithValues("sort", sort.Keys).WithValues("direction", ["asc", "desc"]);

    public static void Describe(OpenApiOptions options, IConfiguration configuration)
    {
        options.CreateSchemaReferenceId = type =>
        {
            var name = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            return name is not null && type.Type.DeclaringType is { } outer ? $"{outer.Name}{name}" : name;
        };
        options.AddDocumentTransformer((document, _, _) =>
        {
            // The public address is configuration, never the caller's Host or X-Forwarded-Proto header.
            var server = configuration["OpenApi:ServerUrl"];
            document.Servers = string.IsNullOrWhiteSpace(server) ? [] : [new OpenApiServer { Url = server }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from Identity (POST /api/identity/connect/token), or `./channel token <role>` locally.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }];
            foreach (var declared in metadata.OfType<ParameterValues>())
                foreach (var parameter in operation.Parameters ?? [])
                    if (parameter.Name == declared.Name && parameter.Schema is OpenApiSchema schema)
                        Enumerate(schema, declared.Values);
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var from = context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ValuesFromAttribute), true)
                .OfType<ValuesFromAttribute>().FirstOrDefault();
            if (from is not null)
                Enumerate(schema, from.Values);
            return Task.CompletedTask;
        });
    }

    /// <summary>Lists the values on the schema, or on its items when it is an array (<c>status=a&amp;status=b</c>).</summary>
    static void Enumerate(OpenApiSchema schema, IReadOnlyCollection<string> values) =>
        (schema.Type?.HasFlag(JsonSchemaType.Array) == true && schema.Items is OpenApiSchema items ? items : schema).Enum =
            [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
}

/// <summary>
/// The values a body property takes, read from a static member of a type (<c>All</c> by default) that the rule checking it uses
/// too: <c>[property: ValuesFrom(typeof(PartnerTier))] string? Tier</c>. Only the OpenAPI document reads it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValuesFromAttribute(Type type, string member = "All") : Attribute
{
    public IReadOnlyCollection<string> Values { get; } =
        (type.GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? type.GetProperty(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)) as IEnumerable<string> is { } values
            ? [.. values]
            : throw new ArgumentException($"{type.Name}.{member} is not a public static list of strings");
}
