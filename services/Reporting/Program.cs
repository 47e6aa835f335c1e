using Channel.Messaging;
using Channel.Reporting.Features;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("reporting", typeof(Program).Assembly);

var app = builder.Build();
var api = app.UseChannelService("/api/reports");

GetPipeline.Map(api);
GetSellThrough.Map(api);
GetPricing.Map(api);

return await app.RunChannelService(args);

public partial class Program;
