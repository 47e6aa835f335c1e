using System.Threading.RateLimiting;
using Channel.Contracts.Partners;
using Channel.Hosting.Data;
using Channel.Hosting.Messaging;
using Channel.Hosting.Text;
using Channel.Hosting.Web;
using Channel.Partners.Screening;
using Dapper;
using Microsoft.AspNetCore.RateLimiting;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// A reseller applies to join (anonymous, rate-limited). A duplicate of a live partner (same domain
/// or tax id) is refused with a pointer to it; a match on the restricted-party list puts the
/// application on compliance hold.
/// </summary>
public static class ApplyToBecomePartner
{
    public const string RateLimitPolicy = "applications";

    public sealed record Contact(string? Name, string? Email);

    public sealed record Request(
        string? LegalName, string? Country, string? Region, string? WebsiteDomain, string? TaxId,
        string? PartnerType, Contact? PrimaryContact, string? AgreementVersion);

    /// <summary>What the applicant is told: received, and where it stands is for the vendor to say.</summary>
    public sealed record ApplicationReceived(Guid Id, string LegalName, DateTimeOffset ReceivedAt);

    sealed class Existing
    {
        public Guid Id { get; set; }
        public string WebsiteDomain { get; set; } = "";
    }

    const string FindDuplicate = """
        select id, website_domain from partners
        where status <> 'rejected' and (website_domain = @Domain or (@TaxKey is not null and tax_id_key = @TaxKey))
        limit 1
        """;

    const string Insert = $"""
        insert into partners (id, legal_name, normalized_name, country, region, website_domain, tax_id, tax_id_key,
            partner_type, contact_name, contact_email, agreement_version, status, hold_reason, applied_at, updated_at, version)
        values (@Id, @LegalName, @NormalizedName, @Country, @Region, @WebsiteDomain, @TaxId, @TaxKey,
            @PartnerType, @ContactName, @ContactEmail, @AgreementVersion, @Status, @HoldReason, @Now, @Now, @Version)
        returning {Partners.Columns}
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/applications", Handle).AllowAnonymous().RequireRateLimiting(RateLimitPolicy)
            .Produces<ApplicationReceived>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Apply to become a partner (no token needed)");

    /// <summary>Per client address: a few applications a minute (Partners:ApplicationsPerMinute).</summary>
    public static void AddRateLimit(RateLimiterOptions options, IConfiguration config)
    {
        var perMinute = config.GetValue("Partners:ApplicationsPerMinute", 10);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    static async Task<IResult> Handle(Request request, NpgsqlDataSource db, Outbox outbox, RestrictedParties screening,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var legalName = check.Text("legalName", request.LegalName);
        var country = check.Country("country", request.Country);
        var region = check.Text("region", request.Region, 100);
        var domain = check.Domain("websiteDomain", request.WebsiteDomain);
        var taxId = check.Text("taxId", request.TaxId, 40, required: false);
        var type = check.OneOf("partnerType", request.PartnerType, PartnerTypes.All);
        var contactName = check.Text("primaryContact.name", request.PrimaryContact?.Name);
        var contactEmail = check.Email("primaryContact.email", request.PrimaryContact?.Email);
        var agreement = check.Text("agreementVersion", request.AgreementVersion, 40);
        if (domain is not null) domain = Names.Domain(domain);
        if (contactEmail is not null && domain is not null && !Names.IsSameOrSubdomain(contactEmail[(contactEmail.LastIndexOf('@') + 1)..], domain))
            check.Add("primaryContact.email", $"must be an address on the company's own domain ({domain})");
        var taxKey = taxId is null ? null : new string([.. taxId.Where(char.IsLetterOrDigit)]).ToUpperInvariant();
        if (taxId is not null && taxKey!.Length == 0) check.Add("taxId", "must contain letters or digits");
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var existing = await conn.QuerySingleOrDefaultAsync<Existing>(
            new CommandDefinition(FindDuplicate, new { Domain = domain, TaxKey = taxKey }, tx, cancellationToken: ct));
        if (existing is Existing dup) return Duplicate(dup.Id, dup.WebsiteDomain == domain ? "websiteDomain" : "taxId");

        var now = clock.GetUtcNow();
        var holdReason = screening.Match(legalName!, domain!);
        var id = Guid.CreateVersion7();
        Partner partner;
        try
        {
            partner = await conn.QuerySingleAsync<Partner>(new CommandDefinition(Insert, new
            {
                Id = id,
                LegalName = legalName,
                NormalizedName = Names.Normalize(legalName),
                Country = country,
                Region = region,
                WebsiteDomain = domain,
                TaxId = taxId,
                TaxKey = taxKey,
                PartnerType = type,
                ContactName = contactName,
                ContactEmail = contactEmail,
                AgreementVersion = agreement,
                Status = holdReason is null ? Status.Applied : Status.OnHold,
                HoldReason = holdReason,
                Now = now,
                Version = holdReason is null ? 1 : 2,
            }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            // Another application for the same domain or tax id committed between our check and insert.
            await tx.RollbackAsync(ct);
            await using var again = await db.OpenConnectionAsync(ct);
            var winner = await again.QuerySingleOrDefaultAsync<Existing>(
                new CommandDefinition(FindDuplicate, new { Domain = domain, TaxKey = taxKey }, cancellationToken: ct));
            return Duplicate(winner?.Id, winner?.WebsiteDomain == domain ? "websiteDomain" : "taxId");
        }

        var actor = $"applicant:{contactEmail}";
        await Partners.Audit(tx, id, 1, "applied", actor, null, new { status = Status.Applied }, now, ct);
        await outbox.Add(tx, new PartnerApplied
        {
            PartnerId = id,
            Version = 1,
            OccurredAt = now,
            LegalName = partner.LegalName,
            Country = partner.Country,
            Region = partner.Region,
            Domain = partner.WebsiteDomain,
            PartnerType = partner.PartnerType,
            Status = Status.Applied,
        }, ct);
        if (holdReason is not null)
        {
            await Partners.Audit(tx, id, 2, "placed_on_hold", "screening", holdReason, new { status = Status.OnHold }, now, ct);
            await outbox.Add(tx, new PartnerPlacedOnHold
            {
                PartnerId = id,
                Version = 2,
                OccurredAt = now,
                LegalName = partner.LegalName,
                Country = partner.Country,
                Region = partner.Region,
                Status = Status.OnHold,
                Reason = holdReason,
            }, ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/partners/{id}", new ApplicationReceived(id, partner.LegalName, now));
    }

    static IResult Duplicate(Guid? existingId, string field) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "This organisation is already a partner or has applied.",
        detail: field == "websiteDomain"
            ? "A partner with the same website domain exists."
            : "A partner with the same tax id exists.",
        extensions: new Dictionary<string, object?>
        {
            ["existingPartnerId"] = existingId,
            ["existingPartner"] = existingId is null ? null : $"/api/partners/{existingId}",
            ["field"] = field,
        });
}
