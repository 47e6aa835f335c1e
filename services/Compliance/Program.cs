using Channel.Compliance;
using Channel.Compliance.Features;
using Channel.Compliance.Screening;
using Channel.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("compliance", typeof(Program).Assembly);
builder.Services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Compliance").Get<ComplianceSettings>() ?? new ComplianceSettings());
builder.Services.AddSingleton<Catalog>();
builder.Services.AddSingleton<Decisions>();
builder.Services.AddSingleton<Rescreener>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<Rescreener>());

var app = builder.Build();
var api = app.UseChannelService("/api/compliance");

ImportScreeningList.Map(api);
ManageListEntries.Map(api);
ListScreeningEntries.Map(api);
AddRule.Map(api);
ChangeRule.Map(api);
ListRules.Map(api);
ListChanges.Map(api);
GetChangeImpact.Map(api);
ScreenParty.Map(api);
ListDecisions.Map(api);
ReplayScreening.Map(api);
WorkTheQueue.Map(api);
GetAttestation.Map(api);

return await app.RunChannelService(args);

public partial class Program;
