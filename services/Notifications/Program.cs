using Channel.Messaging;
using Channel.Notifications.Features;
using Channel.Notifications.Mail;
using Channel.Notifications.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("notifications", typeof(Program).Assembly);
builder.Services.AddSingleton(builder.Configuration.GetSection("Smtp").Get<SmtpOptions>() ?? new SmtpOptions());
builder.Services.AddSingleton(builder.Configuration.GetSection("Notifications").Get<MailOptions>() ?? new MailOptions());
builder.Services.AddSingleton(builder.Configuration.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions());
builder.Services.AddSingleton<Templates>();
builder.Services.AddSingleton<MailSender>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MailSender>());
builder.Services.AddSingleton<Mails>();
builder.Services.AddSingleton<AddressGuard>();
builder.Services.AddSingleton<WebhookDeliverer>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliverer>());
builder.Services.AddSingleton<Deliveries>();
builder.Services.AddHostedService<RegistrationsDigest>();
builder.Services.AddHostedService<ProtectionReminders>();
builder.Services.AddHostedService<WeeklySummary>();

var app = builder.Build();
var api = app.UseChannelService("/api/notifications");

SubscribeToWebhooks.Map(api);
ListSubscriptions.Map(api);
GetSubscription.Map(api);
ChangeSubscription.Map(api);
DeleteSubscription.Map(api);
RotateSubscriptionSecret.Map(api);
PingSubscription.Map(api);
ListDeliveries.Map(api);
GetDelivery.Map(api);
RedeliverDelivery.Map(api);
ListWebhookKinds.Map(api);
GetPreferences.Map(api);
ChangePreferences.Map(api);
ListMails.Map(api);
ResendMail.Map(api);

return await app.RunChannelService(args);

public partial class Program;
