using System.Threading.Channels;
using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Npgsql;

namespace Channel.Notifications.Mail;

public sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 2525;
    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's SecureSocketOptions).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;
    public string? User { get; set; }
    public string? Password { get; set; }
    public int BatchSize { get; set; } = 50;
    /// <summary>The longest wait between two attempts at one mail (the wait doubles from two seconds).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// Sends the mails owed: claims a batch (<c>for update skip locked</c>, so several instances never
/// take one mail), sends each over one SMTP connection and marks it sent in the same transaction. A
/// mail that fails waits a growing delay and is tried again, its error kept; nothing is dropped. A
/// crash after the send and before the commit sends that mail again: its Message-Id is the same
/// each time (<c>&lt;mail-{id}@channel&gt;</c>), so a mail client shows it once.
/// </summary>
public sealed class MailSender(NpgsqlDataSource db, SmtpOptions smtp, MailOptions mail, ILogger<MailSender> logger) : BackgroundService
{
    readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void WakeSoon() => wake.Writer.TryWrite(true);

    const string Claim = """
        select id, recipient, recipient_name, subject, text_body, html_body, attempts, attachment_name, attachment_type, attachment from mails
        where sent_at is null and (next_attempt_at is null or next_attempt_at <= now())
        order by id limit @BatchSize for update skip locked
        """;

    sealed class Owed
    {
        public long Id { get; set; }
        public string Recipient { get; set; } = "";
        public string RecipientName { get; set; } = "";
        public string Subject { get; set; } = "";
        public string TextBody { get; set; } = "";
        public string HtmlBody { get; set; } = "";
        public int Attempts { get; set; }
        public string? AttachmentName { get; set; }
        public string? AttachmentType { get; set; }
        public string? Attachment { get; set; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (!stoppingToken.IsCancellationRequested && await SendBatch(stoppingToken) > 0) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                logger.LogWarning(e, "the mail sender failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            try { await wake.Reader.WaitToReadAsync(timeout.Token); wake.Reader.TryRead(out _); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Sends one batch; returns how many mails it sent.</summary>
    public async Task<int> SendBatch(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var owed = (await conn.QueryAsync<Owed>(new CommandDefinition(Claim, new { smtp.BatchSize }, tx, cancellationToken: ct))).AsList();
        if (owed.Count == 0) return 0;

        var sent = new List<long>();
        using var client = new SmtpClient();
        string? connectionError = null;
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, ct);
            if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            connectionError = $"{e.GetType().Name}: {e.Message}";
        }
        foreach (var m in owed)
        {
            var error = connectionError;
            if (error is null)
            {
                try
                {
                    await client.SendAsync(Message(m), ct);
                    sent.Add(m.Id);
                    continue;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    error = $"{e.GetType().Name}: {e.Message}";
                    if (!client.IsConnected) connectionError = error;
                }
            }
            await conn.ExecuteAsync(new CommandDefinition("""
                update mails set attempts = attempts + 1, last_error = @error,
                    next_attempt_at = now() + make_interval(secs => least(@MaxDelay, 2 * power(2, attempts)))
                where id = @Id
                """, new { m.Id, error, MaxDelay = smtp.MaxRetryDelay.TotalSeconds }, tx, cancellationToken: CancellationToken.None));
            logger.LogWarning("mail {MailId} to {Recipient} not sent (attempt {Attempt}): {Error}", m.Id, m.Recipient, m.Attempts + 1, error);
        }
        if (sent.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition("update mails set sent_at = now(), attempts = attempts + 1, last_error = null where id = any(@sent)",
                new { sent = sent.ToArray() }, tx, cancellationToken: CancellationToken.None));
        await tx.CommitAsync(CancellationToken.None);
        if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None);
        return sent.Count;
    }

    MimeMessage Message(Owed m)
    {
        var message = new MimeMessage { Subject = m.Subject, MessageId = $"mail-{m.Id}@channel" };
        message.From.Add(MailboxAddress.Parse(mail.From));
        message.To.Add(new MailboxAddress(m.RecipientName, m.Recipient));
        var body = new BodyBuilder { TextBody = m.TextBody, HtmlBody = m.HtmlBody };
        if (m.AttachmentName is not null)
            body.Attachments.Add(m.AttachmentName, System.Text.Encoding.UTF8.GetBytes(m.Attachment ?? ""), ContentType.Parse(m.AttachmentType ?? "text/plain"));
        message.Body = body.ToMessageBody();
        return message;
    }
}
