using Channel.Distributors;
using Channel.Distributors.Features;
using Channel.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("distributors", typeof(Program).Assembly);
var reports = builder.Configuration.GetSection("Distributors:Reports").Get<UploadSellThroughReport.Options>() ?? new();
builder.Services.AddSingleton(reports);
builder.Services.AddSingleton<Distributors>();

var app = builder.Build();
var api = app.UseChannelService("/api/distributors");

OnboardDistributor.Map(api);
ListDistributors.Map(api);
GetDistributor.Map(api);
ChangeDistributorStatus.Map(api);
AddDistributorUser.Map(api);
ChangeDistributorUserRole.Map(api);
RemoveDistributorUser.Map(api);
AuthorizeReseller.Map(api);
RevokeResellerAuthorization.Map(api);
ListResellers.Map(api);
UploadSellThroughReport.Map(api, reports);
ListReports.Map(api);
GetReport.Map(api);
ListReportLines.Map(api);
ReplayDistributorState.Map(api);

return await app.RunChannelService(args);

public partial class Program;
