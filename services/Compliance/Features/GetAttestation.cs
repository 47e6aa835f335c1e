using Channel.Hosting.Auth;

namespace Channel.Compliance.Features;

/// <summary>The statement a registrant attests to for a public-sector customer, and its version (which the registration keeps).</summary>
public static class GetAttestation
{
    public sealed record Statement(string Version, string Text);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/attestation", (ComplianceSettings settings) => TypedResults.Ok(new Statement(settings.Attestation.Version, settings.Attestation.Text)))
            .RequireAuthorization(Policies.Authenticated).Produces<Statement>().WithSummary("The public-sector attestation statement");
}
