using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Channel.Testing;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Channel.Architecture.Tests;

/// <summary>
/// Deployment files read as their engines read them: YAML (anchors and merge keys resolved, unquoted scalars typed) turned
/// into JSON and checked against the JSON schema the engine publishes, vendored in <c>infra/schemas</c> (no cluster or
/// container engine runs here).
/// </summary>
public static class Deployments
{
    public static string PathOf(params string[] parts) => Path.Combine([TestEnvironment.Root, .. parts]);

    /// <summary>Every YAML document in the text, as JSON: merge keys resolved, plain scalars typed as YAML 1.2's core schema types them.</summary>
    public static List<JsonNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => ToJson(d.RootNode)!)];
    }

    static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => Typed(plain.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    /// <summary>A mapping, its merge keys (<c>&lt;&lt;: *anchor</c>) first and its own keys over them.</summary>
    static JsonObject Mapping(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children.Where(e => ((YamlScalarNode)e.Key).Value == "<<"))
            foreach (var merged in value is YamlSequenceNode several ? several.Children : [value])
                foreach (var (k, v) in Mapping((YamlMappingNode)merged).ToList())
                    result[k] = v?.DeepClone();
        foreach (var (key, value) in map.Children.Where(e => ((YamlScalarNode)e.Key).Value != "<<"))
            result[((YamlScalarNode)key).Value!] = ToJson(value);
        return result;
    }

    /// <summary>An unquoted scalar: null, a boolean, an integer, a float, or else a string.</summary>
    static JsonNode? Typed(string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (Regex.IsMatch(value, "^[-+]?[0-9]+$") && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var integer))
            return integer is >= int.MinValue and <= int.MaxValue ? JsonValue.Create((int)integer) : JsonValue.Create(integer);
        if (Regex.IsMatch(value, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"))
            return JsonValue.Create(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        return JsonValue.Create(value);
    }

    /// <summary>
    /// A vendored schema, by its path under infra/schemas. Kubernetes' annotations for its own tools (<c>x-kubernetes-…</c>)
    /// are dropped (they validate nothing; what they mean for unknown fields was settled when the schema was made strict).
    /// </summary>
    public static JsonSchema Schema(string file)
    {
        lock (schemas)
        {
            // Read once: a schema registers its $id, and a second registration is refused.
            if (schemas.TryGetValue(file, out var schema)) return schema;
            var document = JsonNode.Parse(File.ReadAllText(PathOf("infra", "schemas", file)))!;
            Strip(document);
            // Kubernetes' schemas name no draft ("http://json-schema.org/schema#"); the Compose schema names draft 7 by its
            // https address: both are read as draft 7, as the validator knows it.
            if (document["$schema"]?.GetValue<string>() is "https://json-schema.org/draft-07/schema" or "http://json-schema.org/schema#")
                document["$schema"] = "http://json-schema.org/draft-07/schema#";
            return schemas[file] = JsonSchema.FromText(document.ToJsonString());
        }
    }

    static void Strip(JsonNode? node)
    {
        if (node is JsonObject map)
        {
            foreach (var key in map.Select(e => e.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList()) map.Remove(key);
            foreach (var (_, value) in map) Strip(value);
        }
        else if (node is JsonArray list)
            foreach (var item in list) Strip(item);
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

    /// <summary>
    /// A Kustomize overlay built the way <c>kustomize build</c> builds it, for the features Channel's manifests use (no
    /// kustomize binary runs here): resources (files and directories, recursively), namespace, images, strategic-merge
    /// patches by kind and name (lists of named items merged by name), and JSON patches (replace) on targets chosen by
    /// kind and a name pattern.
    /// </summary>
    public static List<JsonObject> Build(string directory)
    {
        var kustomization = Documents(File.ReadAllText(Path.Combine(directory, "kustomization.yaml"))).Single().AsObject();
        var resources = new List<JsonObject>();
        foreach (var resource in kustomization["resources"]?.AsArray() ?? [])
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource!.GetValue<string>()));
            resources.AddRange(Directory.Exists(path) ? Build(path) : Documents(File.ReadAllText(path)).Select(d => d.AsObject()));
        }
        foreach (var patch in kustomization["patches"]?.AsArray() ?? [])
        {
            if (patch!["path"] is { } file)
                foreach (var change in Documents(File.ReadAllText(Path.Combine(directory, file.GetValue<string>()))).Select(d => d.AsObject()))
                {
                    var target = resources.SingleOrDefault(r => Kind(r) == Kind(change) && Name(r) == Name(change))
                                 ?? throw new InvalidOperationException($"patch {file}: no {Kind(change)} {Name(change)} to patch");
                    Merge(target, change);
                }
            else
            {
                var kind = patch["target"]!["kind"]?.GetValue<string>();
                var name = patch["target"]!["name"]?.GetValue<string>();
                var targets = resources.Where(r => (kind is null || Kind(r) == kind) && (name is null || Regex.IsMatch(Name(r), $"^(?:{name})$"))).ToList();
                if (targets.Count == 0) throw new InvalidOperationException($"patch on {kind} {name}: no target");
                foreach (var op in Documents(patch["patch"]!.GetValue<string>()).Single().AsArray())
                {
                    if (op!["op"]!.GetValue<string>() != "replace") throw new NotSupportedException($"JSON patch op {op["op"]}");
                    foreach (var target in targets) Replace(target, op["path"]!.GetValue<string>(), op["value"]!.DeepClone());
                }
            }
        }
        if (kustomization["namespace"]?.GetValue<string>() is { } ns)
            foreach (var r in resources.Where(r => Kind(r) != "Namespace"))
                r["metadata"]!["namespace"] = ns;
        foreach (var image in kustomization["images"]?.AsArray() ?? [])
            foreach (var container in resources.SelectMany(Containers).Where(c => c["image"]!.GetValue<string>() == image!["name"]!.GetValue<string>()))
                container["image"] = $"{image!["newName"]?.GetValue<string>() ?? image["name"]!.GetValue<string>()}:{image["newTag"]!.GetValue<string>()}";
        return resources;
    }

    public static string Kind(JsonNode resource) => resource["kind"]!.GetValue<string>();
    public static string Name(JsonNode resource) => resource["metadata"]!["name"]!.GetValue<string>();

    /// <summary>A workload's containers and init containers.</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject resource)
    {
        var pod = resource["spec"]?["template"]?["spec"];
        if (pod is null) return [];
        return (pod["initContainers"]?.AsArray() ?? []).Concat(pod["containers"]?.AsArray() ?? []).Select(c => c!.AsObject());
    }

    static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else if (value is JsonArray items && target[key] is JsonArray current && items.All(i => i?["name"] is not null))
                foreach (var item in items)
                {
                    var same = current.FirstOrDefault(c => c?["name"]?.GetValue<string>() == item!["name"]!.GetValue<string>());
                    if (same is JsonObject match) Merge(match, item!.AsObject());
                    else current.Add(item!.DeepClone());
                }
            else target[key] = value?.DeepClone();
        }
    }

    static void Replace(JsonObject target, string pointer, JsonNode? value)
    {
        var parts = pointer.Trim('/').Split('/');
        JsonNode node = target;
        foreach (var part in parts[..^1]) node = node[part] ?? throw new InvalidOperationException($"{pointer}: no {part}");
        if (node[parts[^1]] is null) throw new InvalidOperationException($"{pointer}: nothing to replace");
        node[parts[^1]] = value;
    }

    /// <summary>The vendored schema for a resource: Kubernetes' own (v1.32, strict) or an operator's CRD (strict).</summary>
    public static string SchemaFileOf(JsonObject resource)
    {
        var apiVersion = resource["apiVersion"]!.GetValue<string>();
        var kind = Kind(resource).ToLowerInvariant();
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var version = apiVersion[(apiVersion.IndexOf('/') + 1)..];
        return group.Contains('.') && !group.EndsWith(".k8s.io")
            ? Path.Combine("operators", $"{kind}-{group}-{version}.json")
            : Path.Combine("kubernetes", group.Length == 0 ? $"{kind}-{version}.json" : $"{kind}-{group.Split('.')[0]}-{version}.json");
    }
}
