using Channel.Messaging;
using Channel.Notifications.Mail;

var builder = WebApplication.CreateBuilder(args);
builder.AddChannelService("notifications", typeof(Program).Assembly);
builder.Services.AddSingleton(builder.Configuration.GetSection("Smtp").Get<SmtpOptions>() ?? new SmtpOptions());
builder.Services.AddSingleton(builder.Configuration.GetSection("Notifications").Get<MailOptions>() ?? new MailOptions());
builder.Services.AddSingleton<Templates>();
builder.Services.AddSingleton<MailSender>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MailSender>());
builder.Services.AddSingleton<Mails>();

var app = builder.Build();
app.UseChannelService("/api/notifications");

return await app.RunChannelService(args);

public partial class Program;
