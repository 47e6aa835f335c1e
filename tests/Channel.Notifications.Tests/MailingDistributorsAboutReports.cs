using Channel.Contracts.Distributors;
using Channel.Testing;
using MimeKit;

namespace Channel.Notifications.Tests;

/// <summary>A distributor's users hear that their report was processed, with the refused lines to fix.</summary>
public sealed class MailingDistributorsAboutReports(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    [Fact]
    public async Task A_processed_report_is_mailed_with_its_counts_and_the_refused_lines_attached_as_csv_safe_for_spreadsheets()
    {
        var distributor = Guid.NewGuid();
        var user = $"opal-{Guid.NewGuid():N}@dist.example";
        await app.Bus.Publish(new DistributorUserAdded
        {
            DistributorId = distributor,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            User = new DistributorUser { UserId = Guid.NewGuid(), Name = "Opal Operator", Email = user, Role = "operations" },
            Distributor = new DistributorState { Name = "Tailspin Distribution", Countries = ["US"], Regions = ["WA"] },
        });
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{distributor}'");

        await app.Bus.Publish(new SellThroughReportProcessed
        {
            ReportId = Guid.NewGuid(),
            DistributorId = distributor,
            ReportNumber = "RPT-2026-11",
            PeriodStart = new DateOnly(2026, 11, 1),
            PeriodEnd = new DateOnly(2026, 11, 30),
            ReceivedBy = "opal",
            OccurredAt = DateTimeOffset.UtcNow,
            TotalLines = 120,
            AcceptedLines = 118,
            RejectedLines = 2,
            AcceptedAmount = 1_234_567.5m,
            Rejections =
            [
                new SellThroughRejection { LineNumber = 7, Field = "vendor_sku", Reason = "unknown SKU \"SW-0000\", check the price list" },
                new SellThroughRejection { LineNumber = 42, Field = "end_customer_name", Reason = "=HYPERLINK(\"http://evil.example\")" },
            ],
        });

        var mail = Assert.Single(await app.Mailbox.WaitFor(1, user));
        Assert.Equal("Report RPT-2026-11 processed: 118 lines taken, 2 refused", mail.Subject);
        Assert.Contains("120 lines, 118 taken (1,234,567.50), 2 refused.", mail.Text);
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await app.Mailbox.Source(mail.Id))));
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("RPT-2026-11-rejected-lines.csv", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var csv = System.Text.Encoding.UTF8.GetString(content.ToArray());
        Assert.Equal("line,field,reason\r\n7,vendor_sku,\"unknown SKU \"\"SW-0000\"\", check the price list\"\r\n" +
                     "42,end_customer_name,\"'=HYPERLINK(\"\"http://evil.example\"\")\"\r\n", csv);
    }
}
