using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine;
using Npgsql;

namespace Channel.Messaging;

public static class Database
{
    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
    }

    sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(System.Data.IDbDataParameter parameter, DateOnly value)
        {
            parameter.Value = value;
            if (parameter is NpgsqlParameter p) p.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date;
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => DateOnly.Parse(value.ToString()!, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>One data source per database per process, built once from configuration.</summary>
    /// <param name="customPlans">
    /// Plan every execution for its parameters (a reporting service: optional filters make a generic
    /// plan of a prepared statement a poor plan for most of them).
    /// </param>
    public static NpgsqlDataSource CreateDataSource(string connectionString, bool customPlans = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Every use case runs the same few statements over and over: prepare them once per connection
        // instead of having PostgreSQL parse and plan each one each time (unless the operator chose).
        var settings = builder.ConnectionStringBuilder;
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) settings.MaxAutoPrepare = 100;
        // No use case leaves session state behind (locks and settings are per transaction), so a
        // connection goes back to the pool without the DISCARD ALL round trip.
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) settings.NoResetOnClose = true;
        if (customPlans) settings.Options = $"{settings.Options} -c plan_cache_mode=force_custom_plan".Trim();
        return builder.Build();
    }

    /// <summary>
    /// A connection whose statements all read one snapshot (a repeatable-read transaction, rolled back when the connection
    /// goes back to the pool): a page and the total counted by a second statement agree while rows are being added.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenSnapshotAsync(this NpgsqlDataSource db, CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates the database if it is missing, then runs the shared outbox/inbox scripts and the
    /// service's own embedded <c>Migrations/*.sql</c>, each once, in order.
    /// </summary>
    public static void Migrate(string connectionString, Assembly serviceAssembly, ILogger? logger = null)
    {
        EnsureDatabase.For.PostgresqlDatabase(connectionString, new DbUp.Engine.Output.NoOpUpgradeLog());
        // Several instances may start at once: one migrates while the others wait for its lock. The lock
        // is the session's: on a connection of its own (not pooled, where an idle connection would keep
        // holding it), and released explicitly.
        using var lockConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 }.ConnectionString);
        lockConnection.Open();
        lockConnection.Execute("select pg_advisory_lock(727274)");
        try { Upgrade(connectionString, serviceAssembly, logger); }
        finally { lockConnection.Execute("select pg_advisory_unlock(727274)"); }
    }

    static void Upgrade(string connectionString, Assembly serviceAssembly, ILogger? logger)
    {
        var shared = typeof(Database).Assembly;
        var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(shared, name => name.EndsWith(".sql"), new SqlScriptOptions { RunGroupOrder = 0 })
            .WithScriptsEmbeddedInAssembly(serviceAssembly, name => name.Contains(".Migrations.") && name.EndsWith(".sql"),
                new SqlScriptOptions { RunGroupOrder = 1 })
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", "schema_versions")
            .LogToNowhere()
            .Build();
        var result = upgrade.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        foreach (var script in result.Scripts)
            logger?.LogInformation("applied migration {Script}", script.Name);
    }

    /// <summary>True when the exception is PostgreSQL's unique-violation for the named constraint.</summary>
    public static bool IsUniqueViolation(this Exception e, string? constraint = null) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && (constraint is null || pg.ConstraintName == constraint);
}
