using Channel.Gateway;
using Channel.Gateway.Features;
using Channel.Gateway.Session;
using Channel.Hosting;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Scalar.AspNetCore;
using Yarp.ReverseProxy.Transforms;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddChannelWeb(builder);
builder.Services.AddChannelAuth(builder.Configuration);
builder.AddDashboardSession();
builder.AddChannelTelemetry("gateway");
builder.Services.AddHealthChecks();
builder.Services.AddRateLimiter(o => EdgeLimits.Configure(o, builder.Configuration));
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddConfigFilter<Instances.HealthDefaults>()
    .AddTransforms(t => t.AddRequestTransform(c =>
    {
        DashboardSession.Transform(c);
        return ValueTask.CompletedTask;
    }));
Instances.LeaveOutFailingDestinations(builder.Services, builder.Configuration);

var app = builder.Build();
app.UseChannelWeb();
app.UseLargeReportUploads(builder.Configuration.GetValue("Gateway:MaxReportBytes", 2L * 1024 * 1024 * 1024));
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseDashboardSession();
app.UseAuthorization();
app.UseRateLimiter();

app.MapChannelHealth();
app.MapScalarApiReference("/docs", o =>
{
    o.WithTitle("Channel API");
    // /docs lists every service's document; /docs/<service> opens one: both find it through this pattern (a document's
    // name is its service's path), so a link to /docs/deals shows the Deals API, not a missing /openapi/deals.json.
    o.WithOpenApiRoutePattern("/api/{documentName}/openapi/v1.json");
    o.AddPreferredSecuritySchemes(ApiDocument.Bearer);
    foreach (var service in builder.Configuration.GetSection("Docs:Services").Get<string[]>() ?? [])
        o.AddDocument(service, $"{char.ToUpperInvariant(service[0])}{service[1..]}");
}).AllowAnonymous();
SignInToTheDashboard.Map(app);
app.MapReverseProxy(proxy =>
{
    proxy.Use(Instances.Failover);
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});

app.Run();
