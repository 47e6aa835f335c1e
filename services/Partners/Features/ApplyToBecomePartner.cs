using System.Threading.RateLimiting;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Channel.Partners.Screening;
using Dapper;
using Microsoft.AspNetCore.RateLimiting;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>
/// A reseller applies to join (anonymous, rate-limited). A duplicate of a live partner (same domain
/// or tax id) is refused; a domain or name that only looks like a live partner's (a punycode or look-alike
/// domain, a name the same once normalised) puts the application on hold for a channel manager, with the
/// match in the hold's reason. The Compliance service screens it against the screening lists (its decision
/// comes back as an event). A client that got no answer may send the same application again with the same
/// Idempotency-Key and gets the first answer back.
/// </summary>
public static class ApplyToBecomePartner
{
    public const string RateLimitPolicy = "applications";

    public sealed record Contact(string? Name, string? Email);

    public sealed record Request(
        string? LegalName, string? Country, string? Region, string? WebsiteDomain, string? TaxId,
        [property: ValuesFrom(typeof(PartnerTypes))] string? PartnerType, Contact? PrimaryContact, string? AgreementVersion);

    /// <summary>What the applicant is told: received, and where it stands is for the vendor to say.</summary>
    public sealed record ApplicationReceived(Guid Id, string LegalName, DateTimeOffset ReceivedAt);

    sealed class Existing
    {
        public Guid Id { get; set; }
        public string WebsiteDomain { get; set; } = "";
    }

    const string FindDuplicate = $"""
        select id, website_domain from partners
        where status <> '{PartnerStatus.Rejected}' and (website_domain = @Domain or (@TaxKey is not null and tax_id_key = @TaxKey))
        limit 1
        """;

    sealed class LookAlike
    {
        public Guid Id { get; set; }
        public string LegalName { get; set; } = "";
        public string WebsiteDomain { get; set; } = "";
        public string NormalizedName { get; set; } = "";
    }

    // A live partner whose domain reads the same, or whose name normalises the same, as the applicant's.
    const string FindLookAlike = $"""
        select id, legal_name, website_domain, normalized_name from partners
        where status <> '{PartnerStatus.Rejected}' and id <> @Id and (domain_skeleton = @Skeleton or normalized_name = @Name)
        order by applied_at limit 1
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/applications", Handle).AllowAnonymous().RequireRateLimiting(RateLimitPolicy)
            .Produces<ApplicationReceived>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Apply to become a partner (no token needed)");

    /// <summary>
    /// Per client address (the TCP peer, or what a configured proxy says it is): a few applications
    /// a minute (Partners:ApplicationsPerMinute). Vendor staff entering applications are not limited.
    /// </summary>
    public static void AddRateLimit(RateLimiterOptions options, IConfiguration config)
    {
        var perMinute = config.GetValue("Partners:ApplicationsPerMinute", 10);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(RateLimitPolicy, http => Caller.From(http.User).IsManager
            ? RateLimitPartition.GetNoLimiter("staff")
            : RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    static async Task<IResult> Handle(Request request, HttpRequest http, System.Security.Claims.ClaimsPrincipal user, NpgsqlDataSource db,
        Partners partners, Idempotency idempotency, TimeProvider clock, CancellationToken ct)
    {
        var staff = Caller.From(user).SeesEverything;
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
        if (domain is not null) domain = Domains.Normalize(domain);
        if (contactEmail is not null && domain is not null && !Domains.IsSameOrSubdomain(contactEmail[(contactEmail.LastIndexOf('@') + 1)..], domain))
            check.Add("primaryContact.email", $"must be an address on the company's own domain ({domain})");
        var taxKey = taxId is null ? null : new string([.. taxId.Where(char.IsLetterOrDigit)]).ToUpperInvariant();
        if (taxId is not null && taxKey!.Length == 0) check.Add("taxId", "must contain letters or digits");
        var key = idempotency.Read(http, null, "apply", request, check);
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await idempotency.Begin(tx, key, ct) is { } earlier) return earlier;
        var existing = await conn.QuerySingleOrDefaultAsync<Existing>(
            new CommandDefinition(FindDuplicate, new { Domain = domain, TaxKey = taxKey }, tx, cancellationToken: ct));
        if (existing is Existing dup) return Duplicate(dup.Id, dup.WebsiteDomain == domain ? "websiteDomain" : "taxId", staff);

        var now = clock.GetUtcNow();
        var applicant = $"applicant:{contactEmail}";
        Partner partner;
        try
        {
            partner = await partners.Create(tx, new Partner
            {
                Id = Guid.CreateVersion7(),
                LegalName = legalName!,
                NormalizedName = OrganisationNames.Normalize(legalName),
                DomainSkeleton = LookAlikes.Skeleton(domain!),
                Country = country!,
                Region = region!,
                WebsiteDomain = domain!,
                TaxId = taxId,
                TaxIdKey = taxKey,
                PartnerType = type!,
                ContactName = contactName!,
                ContactEmail = contactEmail!,
                AgreementVersion = agreement!,
                Status = PartnerStatus.Applied,
                // The Compliance service screens it from PartnerApplied.
                Screening = Channel.Contracts.Compliance.ScreeningOutcome.Pending,
                AppliedAt = now,
                UpdatedAt = now,
            }, applicant, ct);
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            // Another application for the same domain or tax id committed between our check and insert.
            await tx.RollbackAsync(ct);
            await using var again = await db.OpenConnectionAsync(ct);
            var winner = await again.QuerySingleOrDefaultAsync<Existing>(
                new CommandDefinition(FindDuplicate, new { Domain = domain, TaxKey = taxKey }, cancellationToken: ct));
            return Duplicate(winner?.Id, winner?.WebsiteDomain == domain ? "websiteDomain" : "taxId", staff);
        }
        string? holdReason = null;
        if (await conn.QueryFirstOrDefaultAsync<LookAlike>(new CommandDefinition(FindLookAlike,
                new { partner.Id, Skeleton = partner.DomainSkeleton, Name = partner.NormalizedName }, tx, cancellationToken: ct)) is { } like)
            holdReason = like.NormalizedName == partner.NormalizedName
                ? $"looks like existing partner {like.LegalName} ({like.Id}): the names are the same once normalised"
                : $"looks like existing partner {like.LegalName} ({like.Id}): {partner.WebsiteDomain} reads like {like.WebsiteDomain}";
        if (holdReason is not null && partner.PlaceOnHold(holdReason) is Moved<Partner> hold)
            partner = await partners.Commit(tx, partner, hold, "screening", now, ct);

        var received = new ApplicationReceived(partner.Id, partner.LegalName, now);
        var location = $"/api/partners/{partner.Id}";
        await idempotency.Remember(tx, key, StatusCodes.Status201Created, location, received, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, received);
    }

    /// <summary>
    /// 409: the organisation exists. Vendor staff are shown which partner it is; an anonymous
    /// applicant only that it exists (a partner's id is not for anyone who guesses its domain).
    /// </summary>
    static IResult Duplicate(Guid? existingId, string field, bool staff)
    {
        var extensions = new Dictionary<string, object?> { ["field"] = field };
        if (staff)
        {
            extensions["existingPartnerId"] = existingId;
            extensions["existingPartner"] = existingId is null ? null : $"/api/partners/{existingId}";
        }
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "This organisation is already a partner or has applied.",
            detail: field == "websiteDomain"
                ? "A partner with the same website domain exists."
                : "A partner with the same tax id exists.",
            extensions: extensions);
    }
}
