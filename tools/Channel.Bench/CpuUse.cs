using System.Globalization;

/// <summary>
/// CPU time by component, read from /proc: each Channel service (by its pid file under .channel/run),
/// PostgreSQL (every postgres process), RabbitMQ (beam.smp) and this load generator.
/// </summary>
static class CpuUse
{
    static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static Dictionary<string, double> Snapshot()
    {
        var services = Directory.Exists(RunDir) ? Directory.GetFiles(RunDir, "*.pid")
            .Select(f => (Name: Path.GetFileNameWithoutExtension(f), Pid: File.ReadAllText(f).Trim())).ToList() : [];
        var seconds = new Dictionary<string, double>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            var pid = Path.GetFileName(dir);
            if (!pid.All(char.IsDigit)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var close = stat.LastIndexOf(')');
            var command = stat[(stat.IndexOf('(') + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            var used = (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            var name = services.FirstOrDefault(s => s.Pid == pid).Name
                ?? (command == "postgres" ? "postgresql" : command == "beam.smp" ? "rabbitmq"
                    : pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) ? "load generator" : null);
            if (name is not null) seconds[name] = seconds.GetValueOrDefault(name) + used;
        }
        return seconds;
    }

    public static Dictionary<string, double> Since(Dictionary<string, double> before) =>
        Snapshot().ToDictionary(s => s.Key, s => s.Value - before.GetValueOrDefault(s.Key));

    static string RunDir => Path.Combine(Channel.Testing.TestEnvironment.Root, ".channel", "run");
}
