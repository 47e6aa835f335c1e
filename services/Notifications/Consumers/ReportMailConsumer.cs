using System.Globalization;
using System.Text;
using Channel.Contracts.Distributors;
using Channel.Messaging;
using Channel.Notifications.Mail;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Tells a distributor's users that a sell-through report was processed: how many lines were taken
/// and refused, and the refused lines (line, field, reason) as a CSV attachment to fix and send again.
/// </summary>
public sealed class ReportMailConsumer(Inbox<ReportMailConsumer> inbox, Mails mails, MailOptions options) : IConsumer<SellThroughReportProcessed>
{
    public Task Consume(ConsumeContext<SellThroughReportProcessed> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var e = context.Message;
            var report = new
            {
                number = e.ReportNumber,
                period = $"{e.PeriodStart:yyyy-MM-dd} to {e.PeriodEnd:yyyy-MM-dd}",
                total = e.TotalLines,
                accepted = e.AcceptedLines,
                rejected = e.RejectedLines,
                amount = e.AcceptedAmount.ToString("N2", CultureInfo.InvariantCulture),
                truncated = e.RejectionsTruncated,
                shown = e.Rejections.Count,
                url = $"{options.DashboardUrl.TrimEnd('/')}/#/reports?report={e.ReportId}",
            };
            Attachment? rejected = null;
            if (e.Rejections.Count > 0)
            {
                var csv = new StringBuilder("line,field,reason\r\n");
                foreach (var r in e.Rejections) csv.Append(CultureInfo.InvariantCulture, $"{r.LineNumber},{Csv(r.Field)},{Csv(r.Reason)}\r\n");
                rejected = new Attachment($"{FileName(e.ReportNumber)}-rejected-lines.csv", "text/csv", csv.ToString());
            }
            await mails.Owe(tx, EventIds.Of("report", e.ReportId, 1), "report-processed", await Recipients.Of(tx, Recipients.Distributor, e.DistributorId, ct),
                r => new { vendor = options.VendorName, recipient = new { name = r.Name }, report }, ct, rejected);
        });

    /// <summary>A CSV field, quoted when it must be, and never read as a formula by a spreadsheet.</summary>
    static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal)) value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    static string FileName(string reportNumber) => string.Concat(reportNumber.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
