using Channel.Messaging;
using Channel.Pricing;
using Channel.Pricing.Features;
using Channel.Pricing.Timers;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("pricing", typeof(Program).Assembly);
builder.Services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Pricing").Get<PricingRules>() ?? new PricingRules());
builder.Services.AddSingleton<Ledger>();
builder.Services.AddSingleton<Issuance>();
builder.Services.AddSingleton<ClaimDecisions>();
builder.Services.AddHostedService<PricingTimers>();

var app = builder.Build();
var api = app.UseChannelService("/api/pricing");

UploadPriceList.Map(api);
ListPriceLists.Map(api);
GetPrice.Map(api);
ListPrices.Map(api);
ListAuthorizations.Map(api);
GetAuthorization.Map(api);
GetDealPricing.Map(api);
ApproveAuthorization.Map(api);
RevokeAuthorization.Map(api);
RequestSpecialBid.Map(api);
DecideSpecialBid.Map(api);
SubmitClaim.Map(api);
ListClaims.Map(api);
GetClaim.Map(api);
ListClaimLines.Map(api);
DisputeClaimLine.Map(api);
ResolveClaimLine.Map(api);
ApproveClaim.Map(api);
SettleClaim.Map(api);
ReplayAuthorizationState.Map(api);

return await app.RunChannelService(args);

public partial class Program;
