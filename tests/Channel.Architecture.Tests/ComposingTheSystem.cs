using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Channel.Architecture.Tests;

/// <summary>
/// docker-compose.yml as Compose reads it (no container engine runs here, and the compose plugin does not install:
/// the Compose specification's own schema stands in for <c>docker compose config</c>), and the one Dockerfile every
/// service's image is built from.
/// </summary>
public sealed class ComposingTheSystem
{
    static readonly string[] services = ["partners", "distributors", "deals", "reporting", "notifications", "identity", "pricing", "compliance"];

    static JsonObject Compose() => Deployments.Documents(File.ReadAllText(Deployments.PathOf("docker-compose.yml"))).Single().AsObject();

    static JsonObject Service(string name) => Compose()["services"]![name]!.AsObject();

    [Fact]
    public void The_compose_file_conforms_to_the_compose_specification()
    {
        Assert.Equal([], Deployments.Violations(Deployments.Schema("compose-spec.json"), Compose()));
    }

    [Fact]
    public void The_schema_check_finds_a_misspelt_key_and_a_wrong_type()
    {
        var compose = Compose();
        var partners = compose["services"]!["partners"]!.AsObject();
        partners["helthcheck"] = new JsonObject { ["test"] = "true" };
        partners["restart"] = new JsonObject { ["always"] = true };

        var violations = Deployments.Violations(Deployments.Schema("compose-spec.json"), compose);

        Assert.Contains(violations, v => v.Contains("/services/partners") && v.Contains("helthcheck"));
        Assert.Contains(violations, v => v.Contains("/services/partners/restart"));
    }

    [Fact]
    public void Every_service_has_a_readiness_health_check_and_the_gateway_waits_for_all_of_them()
    {
        foreach (var name in services.Append("gateway"))
        {
            var check = Service(name)["healthcheck"]!.AsObject();
            var test = string.Join(' ', check["test"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Contains("/health/ready", test);
            Assert.Contains(" 200 ", test);
        }
        var waits = Service("gateway")["depends_on"]!.AsObject();
        Assert.Equal(services.Order(), waits.Select(w => w.Key).Order());
        Assert.All(waits, w => Assert.Equal("service_healthy", w.Value!["condition"]!.GetValue<string>()));
        foreach (var name in services)
        {
            var needs = Service(name)["depends_on"]!.AsObject();
            Assert.Equal("service_healthy", needs["postgres"]!["condition"]!.GetValue<string>());
            Assert.Equal("service_healthy", needs["rabbitmq"]!["condition"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Each_image_is_built_from_the_one_dockerfile_for_its_own_service_and_runs_read_only()
    {
        foreach (var name in services.Append("gateway"))
        {
            var service = Service(name);
            var build = service["build"]!.AsObject();
            Assert.Equal(".", build["context"]!.GetValue<string>());
            var project = build["args"]!["SERVICE"]!.GetValue<string>();
            Assert.True(File.Exists(Deployments.PathOf("services", project, $"Channel.{project}.csproj")), $"{name}: no project services/{project}");
            Assert.Equal(name, project.ToLowerInvariant());
            Assert.True(service["read_only"]!.GetValue<bool>(), $"{name} is not read-only");
        }
    }

    [Fact]
    public void The_broker_is_rabbitmq_4_and_no_service_connects_as_guest()
    {
        var compose = Compose();
        Assert.Matches("^rabbitmq:4\\.", compose["services"]!["rabbitmq"]!["image"]!.GetValue<string>());
        foreach (var name in services.Append("gateway"))
        {
            var uri = Service(name)["environment"]!["RabbitMq__Uri"]!.GetValue<string>();
            Assert.DoesNotContain("guest", uri);
        }
    }

    [Fact]
    public void The_dockerfile_restores_before_it_copies_the_code_and_runs_as_an_unprivileged_user()
    {
        var lines = File.ReadAllLines(Deployments.PathOf("Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        int Index(string pattern) => lines.FindIndex(l => Regex.IsMatch(l, pattern));
        var restore = Index(@"^RUN dotnet restore ");
        Assert.True(restore > 0, "no restore layer");
        // Before the restore: project files and package versions only.
        Assert.All(lines.Take(restore).Where(l => l.StartsWith("COPY ")), l => Assert.Matches(@"^COPY (\S+\.(csproj|props)|\.editorconfig|Directory\S*)( \S+)* \S+/?$", l));
        Assert.True(Index(@"^COPY shared/ ") > restore && Index(@"^COPY services/\$\{SERVICE\}/ ") > restore, "the code is copied before the restore");
        Assert.Matches("--no-restore", lines[Index(@"^RUN dotnet publish ")]);
        var user = lines.Last(l => l.StartsWith("USER "));
        Assert.DoesNotMatch(@"^USER (root|0)\b", user);
        Assert.True(lines.FindLastIndex(l => l.StartsWith("USER ")) > lines.FindLastIndex(l => l.StartsWith("FROM ")), "USER is not set in the final image");
    }
}
