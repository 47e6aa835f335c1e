using Channel.Deals;
using Channel.Deals.Features;
using Channel.Deals.Rules;
using Channel.Deals.Timers;
using Channel.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("deals", typeof(Program).Assembly);
builder.Services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Deals").Get<DealRules>() ?? new DealRules());
builder.Services.AddSingleton<Deals>();
builder.Services.AddHostedService<DealTimers>();

var app = builder.Build();
var api = app.UseChannelService("/api/deals");

RegisterDeal.Map(api);
ListDeals.Map(api);
DescribeRegistration.Map(api);
ExportDeals.Map(api);
GetApprovalQueue.Map(api);
GetDeal.Map(api);
ApproveDeal.Map(api);
RejectDeal.Map(api);
ReturnDeal.Map(api);
EditDeal.Map(api);
ResubmitDeal.Map(api);
RequestExtension.Map(api);
GrantExtension.Map(api);
CloseDealAsWon.Map(api);
CloseDealAsLost.Map(api);
ReplayDealState.Map(api);

return await app.RunChannelService(args);

public partial class Program;
