using System.Text.Json;
using System.Text.Json.Nodes;
using Channel.Testing;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Channel.Architecture.Tests;

/// <summary>
/// Deployment files read as their engines read them: YAML (anchors and merge keys resolved, unquoted scalars typed) turned
/// into JSON and checked against the JSON schema the engine publishes, vendored in <c>infra/schemas</c> (no cluster or
/// container engine runs here).
/// </summary>
public static class Deployments
{
    public static string PathOf(params string[] parts) => Path.Combine([TestEnvironment.Root, .. parts]);

    /// <summary>Every YAML document in the text, as JSON.</summary>
    public static List<JsonNode> Documents(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        var parser = new MergingParser(new Parser(new StringReader(yaml)));
        var documents = new List<JsonNode>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (!parser.Accept<YamlDotNet.Core.Events.StreamEnd>(out _))
        {
            var document = deserializer.Deserialize(parser);
            if (document is not null) documents.Add(ToJson(document)!);
        }
        return documents;
    }

    static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new JsonObject(map.Select(e => KeyValuePair.Create(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!, ToJson(e.Value)))),
        IList<object> list => new JsonArray([.. list.Select(ToJson)]),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>
    /// A vendored schema, by its file name in infra/schemas. The Compose schema names draft 7 by its https address; the
    /// validator knows the dialect by its canonical http one.
    /// </summary>
    public static JsonSchema Schema(string file)
    {
        lock (schemas)
        {
            // Read once: a schema registers its $id, and a second registration is refused.
            if (!schemas.TryGetValue(file, out var schema))
                schemas[file] = schema = JsonSchema.FromText(File.ReadAllText(PathOf("infra", "schemas", file))
                    .Replace("\"https://json-schema.org/draft-07/schema\"", "\"http://json-schema.org/draft-07/schema#\"", StringComparison.Ordinal));
            return schema;
        }
    }

    static readonly Dictionary<string, JsonSchema> schemas = [];

    /// <summary>What the schema finds wrong with the document: each error with where it is (none when it conforms).</summary>
    public static List<string> Violations(JsonSchema schema, JsonNode document)
    {
        var result = schema.Evaluate(JsonSerializer.SerializeToElement(document), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid (no detail)")];
    }
}
