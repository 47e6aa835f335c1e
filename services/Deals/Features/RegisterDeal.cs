using System.Security.Claims;
using System.Text.RegularExpressions;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>
/// A partner user registers an opportunity for its own partner, or a distributor registers one on
/// behalf of a reseller it is authorized to serve in the customer's region. Only an active partner
/// may be the registrant. Conflicts with other partners' open registrations are stored as evidence;
/// Compliance screens every registration (its customer, type, funding and products): until its decision arrives the
/// screening is pending; a hold moves the deal to compliance review, a refusal rejects it with the rule's citation. The
/// partner's own open registrations for the same opportunity come back as possible duplicates (and
/// are evidence for the approver); a client that got no answer retries safely with the same
/// Idempotency-Key.
/// </summary>
public static partial class RegisterDeal
{
    /// <summary>The end customer. Its type (what public-sector rules are written in) gives the sector; a sector alone still
    /// serves where it says who the customer is (not "government", which could be a federal agency or a city).</summary>
    public sealed record Customer(string? LegalName, string? Domain, string? Country, string? Region, [property: ValuesFrom(typeof(Sectors))] string? Sector,
        [property: ValuesFrom(typeof(CustomerTypes))] string? Type = null);

    /// <summary>The registrant's statement that a public-sector customer is as described (the version read from /api/compliance/attestation).</summary>
    public sealed record Attestation(string? Version, bool? Accepted);

    public sealed record Product(string? Sku, string? ProductFamily, decimal? Quantity, decimal? Amount);

    public sealed record Request(Guid? PartnerId, Customer? Customer, List<Product>? Products, decimal? TotalValue,
        string? Currency, DateOnly? ExpectedClose, string? Notes, string? IncumbentVendor = null,
        [property: ValuesFrom(typeof(FundingSources))] string? FundingSource = null, Attestation? Attestation = null);

    const string PartnerStatusSql = "select status from partners where id = @id";

    const string Authorized = """
        select exists (select 1 from reseller_authorizations
                       where distributor_id = @DistributorId and partner_id = @PartnerId and active and @Region = any(regions))
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(403).ProducesProblem(422)
            .WithSummary("Register a deal (a partner for itself, a distributor on a reseller's behalf)");

    static async Task<IResult> Handle(Request request, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Deals deals,
        Idempotency idempotency, DealRules rules, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (caller.Role is not (Roles.Partner or Roles.Distributor))
            return Refused("Only a partner or a distributor registers deals.");
        // A token of either role that names no organisation registers nothing (it would otherwise pass as a partner's own registration).
        if (caller.Role == Roles.Partner ? caller.PartnerId is null : caller.DistributorId is null)
            return Refused($"This {caller.Role} token names no {caller.Role}.");
        var now = clock.GetUtcNow();
        var check = new Check();
        Guid? partnerId = caller.Role == Roles.Partner ? caller.PartnerId : request.PartnerId;
        if (caller.Role == Roles.Partner && request.PartnerId is { } named && named != caller.PartnerId)
            check.Add("partnerId", "a partner registers deals only for itself");
        if (caller.Role == Roles.Distributor && request.PartnerId is null)
            check.Add("partnerId", "is required: the reseller the deal is registered for");
        var form = Validate(check, request, rules, DateOnly.FromDateTime(now.UtcDateTime));
        var key = idempotency.Read(http, caller, "register-deal", request, check);
        if (check.Failed || form is null || partnerId is null) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await idempotency.Begin(tx, key, ct) is { } earlier) return earlier;
        var distributorId = caller.Role == Roles.Distributor ? caller.DistributorId : null;
        if (await MayRegister(tx, partnerId.Value, distributorId, form.Region, ct) is { } refusal) return refusal;

        var deal = new Deal
        {
            Id = Guid.CreateVersion7(),
            PartnerId = partnerId.Value,
            DistributorId = distributorId,
            RegisteredBy = caller.Subject,
            CustomerName = form.CustomerName,
            CustomerKey = CustomerNames.Normalize(form.CustomerName),
            CustomerDomain = form.Domain,
            CustomerCountry = form.Country,
            CustomerRegion = form.Region,
            CustomerSector = form.Sector,
            CustomerType = form.CustomerType,
            FundingSource = form.FundingSource,
            AttestationVersion = form.Attestation,
            AttestedBy = form.Attestation is null ? null : caller.Subject,
            AttestedAt = form.Attestation is null ? null : now,
            Screening = ScreeningOutcome.Pending,
            ProductFamilies = form.Families,
            TotalValue = form.TotalValue,
            Currency = form.Currency,
            ExpectedClose = form.ExpectedClose,
            Notes = form.Notes,
            IncumbentVendor = form.IncumbentVendor,
            Status = DealStatus.Submitted,
            SubmittedAt = now,
            SlaDueAt = DealRules.AddBusinessDays(now, rules.ApprovalSlaBusinessDays),
            UpdatedAt = now,
        };
        var conflicts = await Conflicts.Find(tx, deal, DealStatus.Open, ct, ownToo: true);
        deal = await deals.Create(tx, deal, form.Lines, conflicts.Count, caller.Subject,
            new { status = deal.Status, conflicts = conflicts.Count, screening = deal.Screening }, ct);
        await Conflicts.Record(tx, deal.Id, conflicts, "registration", now, ct);

        var answer = deal with
        {
            PossibleDuplicates = [.. conflicts.Where(c => c.OtherPartnerId == deal.PartnerId)
                .Select(c => new PossibleDuplicate(c.OtherDealId, c.OtherStatus, c.Rule, c.SharedFamilies))],
        };
        var location = $"/api/deals/{deal.Id}";
        await idempotency.Remember(tx, key, StatusCodes.Status201Created, location, answer, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, answer);
    }

    /// <summary>
    /// The rules on who registers for whom, checked at registration and again at edit and
    /// resubmission: only an active partner, and a distributor only for a reseller it is authorized
    /// to serve in the customer's region. (A suspension committed a moment later leaves a deal
    /// registered just before it: the partner's deals stay as they are when it is suspended.)
    /// </summary>
    public static async Task<IResult?> MayRegister(NpgsqlTransaction tx, Guid partnerId, Guid? distributorId, string region, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var status = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(PartnerStatusSql, new { id = partnerId }, tx, cancellationToken: ct));
        if (status != PartnerStatus.Active)
            return Refused(status is null ? "The partner is not known as an active partner." : $"The partner is {status}; only an active partner may register deals.",
                status);
        if (distributorId is not null && !await conn.ExecuteScalarAsync<bool>(new CommandDefinition(Authorized,
                new { DistributorId = distributorId, PartnerId = partnerId, Region = region }, tx, cancellationToken: ct)))
            return Refused($"This distributor is not authorized to serve that reseller in region {region}.");
        return null;
    }

    public static IResult Refused(string detail, string? partnerStatus = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "This registration is not allowed.", detail: detail,
        extensions: partnerStatus is null ? null : new Dictionary<string, object?> { ["partnerStatus"] = partnerStatus });

    /// <summary>Checks every field of a registration (also used when a returned deal is edited).</summary>
    public static Registration? Validate(Check check, Request request, DealRules rules, DateOnly today)
    {
        var c = request.Customer;
        if (c is null) check.Add("customer", "is required");
        var name = check.Text("customer.legalName", c?.LegalName);
        var domain = check.Domain("customer.domain", c?.Domain, required: false);
        var country = check.Country("customer.country", c?.Country);
        var region = check.Text("customer.region", c?.Region, 100);
        var type = check.OneOf("customer.type", c?.Type, CustomerTypes.All, required: false);
        var sector = check.OneOf("customer.sector", c?.Sector, Sectors.All, required: type is null);
        if (type is null && sector is not null)
        {
            if (Array.IndexOf(CustomerTypes.All, sector) >= 0) type = sector;
            else check.Add("customer.type", $"is required for a {sector} customer: one of {string.Join(", ", CustomerTypes.PublicSector)}");
        }
        else if (type is not null && sector is null) sector = CustomerTypes.SectorOf(type);
        var funding = check.OneOf("fundingSource", request.FundingSource, FundingSources.All, required: false) ?? FundingSources.Own;
        string? attestation = null;
        if (type is not null && (CustomerTypes.PublicSector.Contains(type) || FundingSources.Public.Contains(funding)))
        {
            if (request.Attestation is not { Accepted: true }) check.Add("attestation.accepted", "a public-sector customer or public funds need the registrant's attestation");
            attestation = check.Text("attestation.version", request.Attestation?.Version, 40);
        }
        var lines = new List<DealLine>();
        if (request.Products is null || request.Products.Count == 0) check.Add("products", "at least one product line is required");
        else if (request.Products.Count > 200) check.Add("products", "at most 200 product lines");
        else
            for (var i = 0; i < request.Products.Count; i++)
            {
                var p = request.Products[i];
                var at = $"products[{i}]";
                if (p is null) { check.Add(at, "must be a product line"); continue; }
                var sku = check.Text($"{at}.sku", p.Sku, 40, required: false);
                if (sku is not null && !SkuPattern().IsMatch(sku)) { check.Add($"{at}.sku", "must look like SW-4800-48P (letters, digits, '-', '.')"); sku = null; }
                var family = check.Text($"{at}.productFamily", p.ProductFamily, 60, required: false);
                if (p.Sku is null && p.ProductFamily is null) check.Add($"{at}.productFamily", "a SKU or a product family is required");
                var quantity = check.Range($"{at}.quantity", p.Quantity, 0.0001m, 10_000_000m);
                var amount = check.Range($"{at}.amount", p.Amount, 0m, 1_000_000_000_000m);
                var resolved = family?.ToLowerInvariant() ?? (sku is null ? null : rules.FamilyOf(sku));
                if (resolved is not null && quantity is not null && amount is not null)
                    lines.Add(new DealLine { Sku = sku?.ToUpperInvariant(), ProductFamily = resolved, Quantity = quantity.Value, Amount = amount.Value });
            }
        var total = check.Range("totalValue", request.TotalValue, 0.01m, 1_000_000_000_000m);
        var currency = check.Currency("currency", request.Currency);
        var close = request.ExpectedClose;
        if (close is null) check.Add("expectedClose", "is required (YYYY-MM-DD)");
        else if (close < today) check.Add("expectedClose", "must not be in the past");
        else if (close > today.AddYears(3)) check.Add("expectedClose", "must be within three years");
        var notes = check.Note("notes", request.Notes, 4000, required: false);
        var incumbent = check.Text("incumbentVendor", request.IncumbentVendor, 100, required: false);
        if (check.Failed) return null;
        return new Registration(name!, domain is null ? null : Domains.Normalize(domain), country!, region!, sector!, lines, total!.Value,
            currency!, close!.Value, notes, incumbent, type!, funding, attestation);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.\-]{1,39}$")]
    private static partial Regex SkuPattern();
}
