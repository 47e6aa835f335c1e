using System.Security.Claims;
using Channel.Deals.Rules;
using Channel.Hosting.Auth;
using Channel.Hosting.Text;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Deals.Features;

/// <summary>The registrant edits a returned registration (all of it, as when registering) before resubmitting it.</summary>
public static class EditDeal
{
    const string Update = """
        update deals set customer_name = @CustomerName, customer_key = @CustomerKey, customer_domain = @CustomerDomain,
            customer_country = @CustomerCountry, customer_region = @CustomerRegion, customer_sector = @CustomerSector,
            product_families = @ProductFamilies, total_value = @TotalValue, currency = @Currency,
            expected_close = @ExpectedClose, notes = @Notes
        where id = @Id
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/{id:guid}", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Deal>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Edit a returned deal registration");

    static async Task<IResult> Handle(Guid id, RegisterDeal.Request request, ClaimsPrincipal user, NpgsqlDataSource db,
        DealRules rules, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        var check = new Check();
        var form = RegisterDeal.Validate(check, request, rules, DateOnly.FromDateTime(now.UtcDateTime));
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deal = await Deals.Lock(tx, id, ct);
        if (deal is null || !await Deals.MaySee(conn, tx, caller, deal, ct)) return Deals.NotFound(id);
        if (!Deals.IsRegistrant(caller, deal)) return TypedResults.Forbid();
        if (request.PartnerId is { } p && p != deal.PartnerId) check.Add("partnerId", "the registrant of a deal cannot be changed");
        if (check.Failed || form is null) return check.Problem();
        if (deal.Status != Status.Returned) return Deals.WrongState(deal, "edited", "Only a returned registration can be edited.");

        deal.CustomerName = form.CustomerName;
        deal.CustomerKey = Names.Normalize(form.CustomerName);
        deal.CustomerDomain = form.Domain;
        deal.CustomerCountry = form.Country;
        deal.CustomerRegion = form.Region;
        deal.CustomerSector = form.Sector;
        deal.ProductFamilies = form.Families;
        deal.TotalValue = form.TotalValue;
        deal.Currency = form.Currency;
        deal.ExpectedClose = form.ExpectedClose;
        deal.Notes = form.Notes;
        await conn.ExecuteAsync(new CommandDefinition(Update, deal, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("delete from deal_lines where deal_id = @id", new { id }, tx, cancellationToken: ct));
        await RegisterDeal.WriteLines(tx, id, form, ct);
        await Deals.Save(tx, deal, now, ct);
        await Deals.History(tx, deal, "edited", caller.Subject, null, new { customer = deal.CustomerName, deal.TotalValue }, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(deal);
    }
}
