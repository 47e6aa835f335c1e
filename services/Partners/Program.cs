using Channel.Messaging;
using Channel.Partners;
using Channel.Partners.Features;
using Channel.Partners.Screening;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("partners", typeof(Program).Assembly);
builder.Services.AddSingleton<Partners>();
builder.Services.AddRateLimiter(o => ApplyToBecomePartner.AddRateLimit(o, builder.Configuration));

var app = builder.Build();
var api = app.UseChannelService("/api/partners");
app.UseRateLimiter();

ApplyToBecomePartner.Map(api);
ListPartners.Map(api);
ExportPartners.Map(api);
GetPartner.Map(api);
GetPartnerHistory.Map(api);
ApprovePartner.Map(api);
RejectPartner.Map(api);
ClearComplianceHold.Map(api);
SuspendPartner.Map(api);
ReinstatePartner.Map(api);
TerminatePartner.Map(api);
ChangePartnerTier.Map(api);
AddPartnerUser.Map(api);
ListPartnerUsers.Map(api);
ChangePartnerUserRole.Map(api);
RemovePartnerUser.Map(api);
ReplayPartnerState.Map(api);

return await app.RunChannelService(args);

public partial class Program;
