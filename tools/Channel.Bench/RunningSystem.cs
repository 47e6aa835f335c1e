using Channel.Hosting.Auth;
using Channel.Testing;

/// <summary>The system `./channel up` runs: its gateway, and tokens signed with its local key.</summary>
static class RunningSystem
{
    static readonly Lazy<byte[]> Key = new(() =>
        Convert.FromBase64String(File.ReadAllText(Path.Combine(TestEnvironment.Root, ".channel", "jwt.key")).Trim()));

    public static string Gateway => Environment.GetEnvironmentVariable("CHANNEL_GATEWAY") ?? "http://127.0.0.1:8080";

    public static string Token(string role, Guid? partner = null, Guid? distributor = null) =>
        AuthSetup.Mint(Key.Value, role, $"bench-{role}-{partner ?? distributor}", partner, distributor);
}
