using Dapper;
using Npgsql;

namespace Channel.Notifications.Mail;

public sealed class MailOptions
{
    public string VendorName { get; set; } = "Channel";

    /// <summary>The portal's name in mails: "Acme Channel" for a vendor called Acme, plain "Channel" when no vendor is named.</summary>
    public string Portal => VendorName == "Channel" ? "Channel" : $"{VendorName} Channel";
    public string From { get; set; } = "Channel <channel@localhost>";
    /// <summary>Where the dashboard is, for the links in every mail.</summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:8080";
    /// <summary>When (hour of the day, UTC) the daily digest of new registrations goes out.</summary>
    public int DigestHourUtc { get; set; } = 7;
    /// <summary>How often the digests and the protection reminders look at the clock.</summary>
    public TimeSpan DigestCheckEvery { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Vendor staff who get mail (channel managers, leadership, admins), until sign-in accounts exist.</summary>
    public List<StaffMember> Staff { get; set; } = [];
}

/// <summary>One of the vendor's staff: the subject their token carries, their name, address and role.</summary>
public sealed class StaffMember
{
    public string Subject { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Role { get; set; } = "";
}

/// <summary>A text file sent with a mail.</summary>
public sealed record Attachment(string Name, string ContentType, string Content);

/// <summary>
/// What this service owes: one mail per (event, kind, recipient), written in the consumer's
/// transaction, so a redelivered event owes nothing more. The <see cref="MailSender"/> sends them.
/// </summary>
public sealed class Mails(Templates templates, MailSender sender)
{
    const string Insert = """
        insert into mails (event_id, kind, recipient, recipient_name, subject, text_body, html_body, attachment_name, attachment_type, attachment)
        values (@EventId, @Kind, @Recipient, @RecipientName, @Subject, @Text, @Html, @AttachmentName, @AttachmentType, @Attachment)
        on conflict (event_id, kind, recipient) do nothing
        """;

    /// <summary>
    /// Owes each recipient who has not turned this kind off (nor chose its daily digest instead) the
    /// mail of this kind about this event. Security mail goes to everyone.
    /// </summary>
    public async Task Owe(NpgsqlTransaction tx, Guid eventId, string kind, IEnumerable<Recipient> recipients,
        Func<Recipient, object> model, CancellationToken ct, Attachment? attachment = null)
    {
        var list = recipients.DistinctBy(r => r.Email, StringComparer.OrdinalIgnoreCase).ToList();
        var known = MailKinds.ByName.GetValueOrDefault(kind) ?? throw new InvalidOperationException($"no mail kind {kind}");
        var muted = known.Security ? [] : (await tx.Connection!.QueryAsync<string>(new CommandDefinition(
            "select subject from preferences where kind = @kind and subject = any(@subjects) and setting <> 'on'",
            new { kind, subjects = list.Select(r => r.Subject).ToArray() }, tx, cancellationToken: ct))).ToHashSet();
        if (known.Default == MailKinds.Off)
            throw new InvalidOperationException($"{kind} is off unless chosen: its sender picks its recipients");
        await OweTo(tx, eventId, kind, list.Where(r => !muted.Contains(r.Subject)), model, ct, attachment);
    }

    /// <summary>Owes the mail to exactly these recipients (a digest, which chose them itself).</summary>
    public async Task OweTo(NpgsqlTransaction tx, Guid eventId, string kind, IEnumerable<Recipient> recipients,
        Func<Recipient, object> model, CancellationToken ct, Attachment? attachment = null)
    {
        var owed = 0;
        foreach (var recipient in recipients)
        {
            var mail = await templates.Compose(kind, model(recipient));
            owed += await tx.Connection!.ExecuteAsync(new CommandDefinition(Insert, new
            {
                EventId = eventId,
                Kind = kind,
                Recipient = recipient.Email,
                RecipientName = recipient.Name,
                mail.Subject,
                mail.Text,
                mail.Html,
                AttachmentName = attachment?.Name,
                AttachmentType = attachment?.ContentType,
                Attachment = attachment?.Content,
            }, tx, cancellationToken: ct));
        }
        if (owed > 0) sender.WakeSoon();
    }
}
