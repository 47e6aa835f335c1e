using System.Text.Json.Nodes;

namespace Channel.Architecture.Tests;

/// <summary>
/// The Kubernetes manifests, each overlay built (<see cref="Deployments.Build"/>) and every resource checked against the
/// vendored schema of its kind: Kubernetes 1.32's own and the CloudNativePG and RabbitMQ Cluster Operator CRDs, all
/// strict (a field the schema does not name is an error). Then what a deployment needs that no schema says: probes on
/// the health endpoints, limits, a non-root read-only pod, a migration step, a database per service, a disruption budget
/// and an autoscaler for each workload, an ingress for the gateway.
/// </summary>
public sealed class DeployingOnKubernetes
{
    static readonly string[] services = ["partners", "distributors", "deals", "reporting", "notifications", "identity", "pricing", "compliance"];

    public static TheoryData<string> Overlays => new() { "small", "large" };

    static List<JsonObject> Build(string overlay) => Deployments.Build(Deployments.PathOf("infra", "k8s", "overlays", overlay));

    static JsonObject One(List<JsonObject> resources, string kind, string name) =>
        resources.Single(r => Deployments.Kind(r) == kind && Deployments.Name(r) == name);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_resource_of_the_overlay_conforms_to_the_schema_of_its_kind(string overlay)
    {
        var resources = Build(overlay);
        Assert.True(resources.Count > 40, $"{resources.Count} resources");
        var violations = resources.SelectMany(r => Deployments.Violations(Deployments.Schema(Deployments.SchemaFileOf(r)), r)
            .Select(v => $"{Deployments.Kind(r)} {Deployments.Name(r)} {v}")).ToList();
        Assert.Equal([], violations);
    }

    [Fact]
    public void The_schema_check_finds_a_misspelt_field_and_a_wrong_type_in_a_deployment_and_in_an_operator_resource()
    {
        var resources = Build("small");
        var deals = One(resources, "Deployment", "deals");
        deals["spec"]!["template"]!["spec"]!["containers"]![0]!["readinessProbes"] = new JsonObject();
        deals["spec"]!["replicas"] = "two";
        var postgres = One(resources, "Cluster", "channel-postgres");
        postgres["spec"]!["instance"] = 3;

        var inDeals = Deployments.Violations(Deployments.Schema(Deployments.SchemaFileOf(deals)), deals);
        var inPostgres = Deployments.Violations(Deployments.Schema(Deployments.SchemaFileOf(postgres)), postgres);

        Assert.Contains(inDeals, v => v.Contains("readinessProbes"));
        Assert.Contains(inDeals, v => v.StartsWith("/spec/replicas"));
        Assert.Contains(inPostgres, v => v.Contains("instance"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_workload_is_probed_on_its_health_limited_non_root_and_read_only(string overlay)
    {
        foreach (var deployment in Build(overlay).Where(r => Deployments.Kind(r) == "Deployment"))
        {
            var name = Deployments.Name(deployment);
            var pod = deployment["spec"]!["template"]!["spec"]!;
            Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>(), name);
            Assert.Equal("RuntimeDefault", pod["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
            Assert.False(pod["automountServiceAccountToken"]!.GetValue<bool>(), name);
            foreach (var container in Deployments.Containers(deployment))
            {
                var security = container["securityContext"]!;
                Assert.True(security["readOnlyRootFilesystem"]!.GetValue<bool>(), $"{name}/{container["name"]}");
                Assert.False(security["allowPrivilegeEscalation"]!.GetValue<bool>(), $"{name}/{container["name"]}");
                Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
                Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
                Assert.NotNull(container["resources"]!["requests"]!["memory"]);
                Assert.NotNull(container["resources"]!["limits"]!["memory"]);
                Assert.StartsWith("registry.example.com/channel/", container["image"]!.GetValue<string>());
                Assert.EndsWith(":1.0.0", container["image"]!.GetValue<string>());
            }
            var main = pod["containers"]!.AsArray().Single()!;
            Assert.Equal("/health/ready", main["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal("/health/live", main["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            // The read-only root has one writable place, /tmp.
            Assert.Contains(main["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/tmp");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_service_migrates_its_own_database_once_before_it_starts_and_the_database_is_made_by_the_operator(string overlay)
    {
        var resources = Build(overlay);
        var databases = resources.Where(r => Deployments.Kind(r) == "Database").ToDictionary(d => d["spec"]!["name"]!.GetValue<string>());
        foreach (var service in services)
        {
            var pod = One(resources, "Deployment", service)["spec"]!["template"]!["spec"]!;
            var migrate = pod["initContainers"]!.AsArray().Single()!;
            Assert.Equal(["migrate"], migrate["args"]!.AsArray().Select(a => a!.GetValue<string>()));
            var main = pod["containers"]!.AsArray().Single()!;
            Assert.Equal(migrate["image"]!.GetValue<string>(), main["image"]!.GetValue<string>());
            string Env(JsonNode container, string name) =>
                container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == name)!["value"]!.GetValue<string>();
            Assert.Equal("false", Env(main, "Database__MigrateOnStart"));
            var connection = Env(main, "ConnectionStrings__Db");
            Assert.Equal(connection, Env(migrate, "ConnectionStrings__Db"));
            Assert.Contains($"Database=channel_{service}", connection);
            Assert.Contains("Username=channel;", connection);
            var database = databases[$"channel_{service}"];
            Assert.Equal("channel", database["spec"]!["owner"]!.GetValue<string>());
            Assert.Equal("channel-postgres", database["spec"]!["cluster"]!["name"]!.GetValue<string>());
        }
        Assert.Equal(services.Length, databases.Count);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_workload_has_a_service_a_disruption_budget_and_an_autoscaler_that_select_it(string overlay)
    {
        var resources = Build(overlay);
        foreach (var name in services.Append("gateway"))
        {
            var deployment = One(resources, "Deployment", name);
            var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            bool Selects(JsonNode selector) => selector.AsObject().All(s => labels[s.Key]?.GetValue<string>() == s.Value!.GetValue<string>());
            Assert.True(Selects(deployment["spec"]!["selector"]!["matchLabels"]!), name);
            Assert.True(Selects(One(resources, "Service", name)["spec"]!["selector"]!), $"{name}: service");
            var budget = One(resources, "PodDisruptionBudget", name);
            Assert.True(Selects(budget["spec"]!["selector"]!["matchLabels"]!), $"{name}: budget");
            var autoscaler = One(resources, "HorizontalPodAutoscaler", name)["spec"]!;
            Assert.Equal(name, autoscaler["scaleTargetRef"]!["name"]!.GetValue<string>());
            Assert.True(autoscaler["minReplicas"]!.GetValue<int>() <= autoscaler["maxReplicas"]!.GetValue<int>());
        }
        var ingress = resources.Single(r => Deployments.Kind(r) == "Ingress");
        Assert.Equal("gateway", ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["name"]!.GetValue<string>());
        Assert.All(resources.Where(r => Deployments.Kind(r) != "Namespace"), r => Assert.Equal("channel", r["metadata"]!["namespace"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void At_full_scale_every_pod_s_connection_pool_fits_in_the_database_s_connections(string overlay)
    {
        // Every service scaled out to its autoscaler's most, plus the one extra pod a rolling update adds, each with a full
        // pool: all of them under max_connections, less 20 for the operator, its superuser and an operator at a psql prompt.
        var resources = Build(overlay);
        var connections = 0;
        foreach (var name in services)
        {
            var deployment = One(resources, "Deployment", name);
            var pods = One(resources, "HorizontalPodAutoscaler", name)["spec"]!["maxReplicas"]!.GetValue<int>()
                       + deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!.GetValue<int>();
            var db = Deployments.Containers(deployment).Where(c => c["name"]!.GetValue<string>() == name)
                .SelectMany(c => c["env"]!.AsArray()).Single(e => e!["name"]!.GetValue<string>() == "ConnectionStrings__Db")!["value"]!.GetValue<string>();
            var pool = db.Split(';').Select(p => p.Split('=', 2)).SingleOrDefault(p => p[0].Trim() == "Maximum Pool Size") is { } set
                ? int.Parse(set[1], System.Globalization.CultureInfo.InvariantCulture)
                : 100; // Npgsql's default
            connections += pods * pool;
        }
        var max = int.Parse(One(resources, "Cluster", "channel-postgres")["spec"]!["postgresql"]!["parameters"]!["max_connections"]!.GetValue<string>(),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(connections <= max - 20, $"{overlay}: up to {connections} pooled connections against max_connections {max}");
    }

    [Fact]
    public void The_overlays_size_the_installation_differently()
    {
        int Replicas(string overlay, string kind, string name, string field) =>
            One(Build(overlay), kind, name)["spec"]![field]!.GetValue<int>();
        Assert.Equal(1, Replicas("small", "Deployment", "deals", "replicas"));
        Assert.Equal(3, Replicas("large", "Deployment", "deals", "replicas"));
        Assert.Equal(1, Replicas("small", "Cluster", "channel-postgres", "instances"));
        Assert.Equal(3, Replicas("large", "Cluster", "channel-postgres", "instances"));
        Assert.Equal(1, Replicas("small", "RabbitmqCluster", "channel-rabbitmq", "replicas"));
        Assert.Equal(3, Replicas("large", "RabbitmqCluster", "channel-rabbitmq", "replicas"));
        Assert.Equal(2, Replicas("small", "HorizontalPodAutoscaler", "gateway", "minReplicas"));
    }

    [Fact]
    public void The_secrets_the_pods_need_are_those_the_operators_make_and_those_infra_readme_says_to_create()
    {
        var referenced = Build("large").SelectMany(Deployments.Containers)
            .SelectMany(c => c["env"]?.AsArray() ?? [])
            .Select(e => e!["valueFrom"]?["secretKeyRef"]?["name"]?.GetValue<string>()).OfType<string>().ToHashSet();
        var readme = File.ReadAllText(Deployments.PathOf("infra", "README.md"));
        foreach (var secret in referenced.Except(["channel-postgres-app", "channel-rabbitmq-default-user"]))
            Assert.Contains($"kubectl -n channel create secret generic {secret}", readme);
        Assert.Contains("channel-postgres-app", referenced);
        Assert.Contains("channel-rabbitmq-default-user", referenced);
    }
}
