using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Channel.Contracts.Distributors;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace Channel.Distributors.Features;

/// <summary>
/// A distributor uploads a sell-through (point-of-sale) report, as CSV or JSON, one line per invoice
/// line with fields after X12 867. The body is streamed: each line is validated on its own, accepted
/// lines go to the database with binary COPY and out as SellThroughReported in batches, rejected
/// lines are kept with their line number, field and reason. The body is read to a temporary file
/// first (no connection is held while a slow client streams) and hashed: the report, its lines and
/// its events then commit together. Sending a report number again with the same content answers
/// what the first upload answered; with other content it is refused with 409 naming what differs.
/// </summary>
public static partial class UploadSellThroughReport
{
    public sealed class Options
    {
        /// <summary>Accepted lines per SellThroughReported message (1,000 lines is about 400 KB).</summary>
        public int BatchLines { get; set; } = 1000;
        public long MaxReportBytes { get; set; } = 2L * 1024 * 1024 * 1024;
        /// <summary>The longest a CSV line or a JSON line object may be, in bytes (a real one is well under 2 KB).</summary>
        public int MaxLineBytes { get; set; } = 64 * 1024;
        /// <summary>The longest a single field may be, in characters.</summary>
        public int MaxFieldChars { get; set; } = 4096;
    }

    /// <summary>The columns of a report, in the order the database stores them.</summary>
    public static readonly string[] Columns =
    [
        "report_number", "period_start", "period_end", "invoice_number", "invoice_date", "transaction_type", "reseller_id",
        "end_customer_name", "end_customer_domain", "end_customer_country", "end_customer_region", "end_customer_postal_code",
        "vendor_sku", "quantity", "unit_price", "extended_amount", "currency", "deal_id",
    ];

    static readonly HashSet<string> optional = ["end_customer_domain", "end_customer_region", "end_customer_postal_code", "deal_id"];
    static readonly string[] transactionTypes = [.. SellThroughTransaction.All];
    static readonly Dictionary<string, int> columnIndex = Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);

    const int ReportNumber = 0, PeriodStart = 1, PeriodEnd = 2, InvoiceNumber = 3, InvoiceDate = 4, TransactionType = 5, ResellerId = 6,
        CustomerName = 7, CustomerDomain = 8, CustomerCountry = 9, CustomerRegion = 10, CustomerPostalCode = 11, VendorSku = 12,
        Quantity = 13, UnitPrice = 14, ExtendedAmount = 15, Currency = 16, DealId = 17;

    /// <summary>One line of the upload: its number (the header is line 1 of a CSV) and its values in <see cref="Columns"/> order.</summary>
    sealed record Raw(int Number, string?[] Values);

    sealed class BadReport(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    const string InsertReport = """
        insert into reports (id, distributor_id, report_number, period_start, period_end, format, received_at, received_by,
            total_lines, accepted_lines, rejected_lines, accepted_amount, batches)
        values (@Id, @DistributorId, @ReportNumber, @PeriodStart, @PeriodEnd, @Format, @Now, @Actor, 0, 0, 0, 0, 0)
        """;

    const string FinishReport = """
        update reports set total_lines = @Total, accepted_lines = @Accepted, rejected_lines = @Rejected,
            accepted_amount = @Amount, batch_lines = @BatchLines, content_hash = @Hash, content_bytes = @Bytes
        where id = @Id
        """;

    sealed class Received
    {
        public Guid Id { get; set; }
        public byte[]? ContentHash { get; set; }
        public int TotalLines { get; set; }
        public int AcceptedLines { get; set; }
        public int RejectedLines { get; set; }
        public decimal AcceptedAmount { get; set; }
        public DateOnly PeriodStart { get; set; }
        public DateOnly PeriodEnd { get; set; }
    }

    const string CopyLines = """
        copy report_lines (report_id, line_number, invoice_number, invoice_date, transaction_type, reseller_id, end_customer_name,
            end_customer_domain, end_customer_country, end_customer_region, end_customer_postal_code, vendor_sku, quantity,
            unit_price, extended_amount, currency, deal_id) from stdin (format binary)
        """;

    const string CopyRejections = "copy report_rejections (report_id, line_number, field, reason) from stdin (format binary)";

    public static void Map(RouteGroupBuilder api, Options options) =>
        api.MapPost("/{id:guid}/reports", Handle).RequireAuthorization(Policies.Authenticated)
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxReportBytes))
            .Accepts<string>("text/csv", "application/json")
            .Produces<GetReport.Report>(StatusCodes.Status201Created).Produces<GetReport.Report>()
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(415)
            .WithSummary("Upload a sell-through report (CSV with a header row, or a JSON array of lines)");

    static async Task<IResult> Handle(Guid id, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
        Options options, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!Distributors.MayActFor(caller, id)) return Distributors.NotFound("distributor", id);
        if (!caller.IsManager && caller.Role != Roles.Distributor) return TypedResults.Forbid();
        var media = http.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (media is not ("text/csv" or "application/json"))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the report as text/csv or application/json.");
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            var status = await conn.ExecuteScalarAsync<string?>(new CommandDefinition("select status from distributors where id = @id", new { id }, cancellationToken: ct));
            if (status is null) return Distributors.NotFound("distributor", id);
            if (status != DistributorStatus.Active) return Distributors.NotActive(status);
        }

        // The whole body first, to a temporary file and hashed: no connection or transaction is held
        // while a slow client streams, and a report number sent again is compared by its content.
        await using var body = await Spooled.From(http.Body, ct);
        try
        {
            if (await Scan(body, media, options, ct) is { } unreadable) return Bad("body", unreadable);
            var (number, start, end, problem) = await Header(body, media, options, ct);
            if (problem is not null) return problem;

            await using var conn = await db.OpenConnectionAsync(ct);
            if (await Existing(conn, id, number!, ct) is { } earlier) return await Again(conn, earlier, body, media, options, number!, ct);

            var reportId = Guid.CreateVersion7();
            var now = clock.GetUtcNow();
            var resellers = (await conn.QueryAsync<Guid>(new CommandDefinition(
                "select partner_id from authorizations where distributor_id = @id and active", new { id }, cancellationToken: ct))).ToHashSet();
            await using var tx = await conn.BeginTransactionAsync(ct);
            try
            {
                await conn.ExecuteAsync(new CommandDefinition(InsertReport, new
                {
                    Id = reportId,
                    DistributorId = id,
                    ReportNumber = number,
                    PeriodStart = start,
                    PeriodEnd = end,
                    Format = media == "text/csv" ? "csv" : "json",
                    Now = now,
                    Actor = caller.Subject,
                }, tx, cancellationToken: ct));
            }
            catch (PostgresException e) when (e.IsUniqueViolation())
            {
                // The same report number was received a moment ago: the first one decides the answer.
                await tx.RollbackAsync(ct);
                return await Again(conn, (await Existing(conn, id, number!, ct))!, body, media, options, number!, ct);
            }

            var report = new Ingest(reportId, number!, start, end, resellers, options.BatchLines, write: true);
            await foreach (var raw in Lines(body, media, options, ct)) await report.Take(tx, raw, ct);
            await report.Flush(tx, ct);
            await conn.ExecuteAsync(new CommandDefinition(FinishReport, new
            {
                Id = reportId,
                Total = report.TotalLines,
                Accepted = report.AcceptedLines,
                Rejected = report.RejectedLines,
                Amount = report.AcceptedAmount,
                options.BatchLines,
                body.Hash,
                body.Bytes,
            }, tx, cancellationToken: ct));
            var batches = await distributors.Announce(tx, reportId, ct);
            await distributors.Processed(tx, reportId, ct);
            await conn.ExecuteAsync(new CommandDefinition("update reports set batches = @batches where id = @reportId", new { batches, reportId },
                tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return TypedResults.Created($"/api/distributors/reports/{reportId}", await GetReport.Load(conn, null, reportId, ct));
        }
        catch (BadReport bad)
        {
            return Bad(bad.Field, bad.Message);
        }
    }

    /// <summary>The report number and period, from the first line; or the problem with them.</summary>
    static async Task<(string? Number, DateOnly Start, DateOnly End, IResult? Problem)> Header(Spooled body, string media, Options options, CancellationToken ct)
    {
        await foreach (var first in Lines(body, media, options, ct))
        {
            var check = new Check();
            var number = check.Text("report_number", first.Values[ReportNumber], 60);
            var start = Date(check, "period_start", first.Values[PeriodStart]);
            var end = Date(check, "period_end", first.Values[PeriodEnd]);
            if (start > end) check.Add("period_end", "must not be before period_start");
            if (check.Failed) return (null, default, default, check.Problem("The report's number or period (taken from its first line) is not valid."));
            return (number, start!.Value, end!.Value, null);
        }
        return (null, default, default, Bad("body", "the report has no lines"));
    }

    static Task<Received?> Existing(NpgsqlConnection conn, Guid distributorId, string number, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<Received>(new CommandDefinition("""
            select id, content_hash, total_lines, accepted_lines, rejected_lines, accepted_amount, period_start, period_end
            from reports where distributor_id = @distributorId and report_number = @number
            """, new { distributorId, number }, cancellationToken: ct));

    /// <summary>
    /// A report number received before: the same content is answered as the first time (200), and
    /// nothing is stored or published again; other content is refused with 409 naming what differs.
    /// </summary>
    static async Task<IResult> Again(NpgsqlConnection conn, Received earlier, Spooled body, string media, Options options, string number, CancellationToken ct)
    {
        if (earlier.ContentHash is null || earlier.ContentHash.AsSpan().SequenceEqual(body.Hash))
            return TypedResults.Ok(await GetReport.Load(conn, null, earlier.Id, ct));
        // What this upload would have been, checked against the same authorizations, to say how it differs.
        var resellers = (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select partner_id from authorizations where distributor_id = (select distributor_id from reports where id = @Id) and active",
            new { earlier.Id }, cancellationToken: ct))).ToHashSet();
        var (_, start, end, _) = await Header(body, media, options, ct);
        var sent = new Ingest(earlier.Id, number, start, end, resellers, int.MaxValue, write: false);
        await foreach (var raw in Lines(body, media, options, ct)) await sent.Take(null, raw, ct);
        var differences = new Dictionary<string, object?>();
        void Differ<T>(string name, T received, T now) { if (!EqualityComparer<T>.Default.Equals(received, now)) differences[name] = new { received, sent = now }; }
        Differ("periodStart", earlier.PeriodStart, start);
        Differ("periodEnd", earlier.PeriodEnd, end);
        Differ("totalLines", earlier.TotalLines, sent.TotalLines);
        Differ("acceptedLines", earlier.AcceptedLines, sent.AcceptedLines);
        Differ("rejectedLines", earlier.RejectedLines, sent.RejectedLines);
        Differ("acceptedAmount", earlier.AcceptedAmount, sent.AcceptedAmount);
        differences["contentSha256"] = new { received = Convert.ToHexStringLower(earlier.ContentHash), sent = Convert.ToHexStringLower(body.Hash) };
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"Report {number} was already received with other content.",
            detail: "A report number names one report: send a correction under a new report number. " +
                    $"What differs: {string.Join(", ", differences.Keys)}.",
            extensions: new Dictionary<string, object?>
            {
                ["currentStatus"] = "received",
                ["existingReport"] = $"/api/distributors/reports/{earlier.Id}",
                ["differences"] = differences,
            });
    }

    static IAsyncEnumerable<Raw> Lines(Spooled body, string media, Options options, CancellationToken ct)
    {
        var stream = body.Rewind();
        return media == "text/csv" ? ReadCsv(stream, [], options.MaxFieldChars, ct) : ReadJson(stream, ct);
    }

    static ValidationProblem Bad(string field, string message)
    {
        var check = new Check();
        check.Add(field, message);
        return check.Problem("The report cannot be read.");
    }

    /// <summary>
    /// The state of one upload in progress: the lines being gathered and the totals so far. Writing,
    /// accepted lines go to report_lines with binary COPY and rejections to report_rejections, a
    /// chunk at a time; not writing, it only counts (to say how a re-sent report differs).
    /// </summary>
    sealed class Ingest(Guid reportId, string number, DateOnly start, DateOnly end, HashSet<Guid> resellers, int chunk, bool write)
    {
        readonly List<SellThroughLine> accepted = [];
        readonly List<(int Line, string Field, string Reason)> rejections = [];
        public int TotalLines { get; private set; }
        public int AcceptedLines { get; private set; }
        public int RejectedLines { get; private set; }
        public decimal AcceptedAmount { get; private set; }

        public async Task Take(NpgsqlTransaction? tx, Raw raw, CancellationToken ct)
        {
            TotalLines++;
            var check = new Check();
            var line = Validate(check, raw, number, start, end, resellers);
            if (line is not null)
            {
                AcceptedLines++;
                AcceptedAmount += line.ExtendedAmount;
                if (write) accepted.Add(line);
            }
            else
            {
                RejectedLines++;
                if (write) foreach (var (field, message) in check.Errors) rejections.Add((raw.Number, field, message));
            }
            if (write && (accepted.Count >= chunk || rejections.Count >= chunk)) await Flush(tx!, ct);
        }

        public async Task Flush(NpgsqlTransaction tx, CancellationToken ct)
        {
            var conn = tx.Connection!;
            if (accepted.Count > 0)
            {
                await using (var copy = await conn.BeginBinaryImportAsync(CopyLines, ct))
                {
                    foreach (var l in accepted)
                    {
                        await copy.StartRowAsync(ct);
                        await copy.WriteAsync(reportId, NpgsqlDbType.Uuid, ct);
                        await copy.WriteAsync(l.LineNumber, NpgsqlDbType.Integer, ct);
                        await copy.WriteAsync(l.InvoiceNumber, NpgsqlDbType.Text, ct);
                        await copy.WriteAsync(l.InvoiceDate, NpgsqlDbType.Date, ct);
                        await copy.WriteAsync(l.TransactionType, NpgsqlDbType.Text, ct);
                        await copy.WriteAsync(l.ResellerId, NpgsqlDbType.Uuid, ct);
                        await copy.WriteAsync(l.EndCustomerName, NpgsqlDbType.Text, ct);
                        await Nullable(copy, l.EndCustomerDomain, ct);
                        await copy.WriteAsync(l.EndCustomerCountry, NpgsqlDbType.Text, ct);
                        await Nullable(copy, l.EndCustomerRegion, ct);
                        await Nullable(copy, l.EndCustomerPostalCode, ct);
                        await copy.WriteAsync(l.VendorSku, NpgsqlDbType.Text, ct);
                        await copy.WriteAsync(l.Quantity, NpgsqlDbType.Numeric, ct);
                        await copy.WriteAsync(l.UnitPrice, NpgsqlDbType.Numeric, ct);
                        await copy.WriteAsync(l.ExtendedAmount, NpgsqlDbType.Numeric, ct);
                        await copy.WriteAsync(l.Currency, NpgsqlDbType.Text, ct);
                        if (l.DealId is { } deal) await copy.WriteAsync(deal, NpgsqlDbType.Uuid, ct); else await copy.WriteNullAsync(ct);
                    }
                    await copy.CompleteAsync(ct);
                }
                accepted.Clear();
            }
            if (rejections.Count > 0)
            {
                await using (var copy = await conn.BeginBinaryImportAsync(CopyRejections, ct))
                {
                    foreach (var (line, field, reason) in rejections)
                        await copy.WriteRowAsync(ct, reportId, line, field, reason);
                    await copy.CompleteAsync(ct);
                }
                rejections.Clear();
            }
        }

        static Task Nullable(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
            value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

    /// <summary>The rules every line must meet; null (with the reasons in <paramref name="check"/>) when it does not.</summary>
    static SellThroughLine? Validate(Check check, Raw raw, string number, DateOnly start, DateOnly end, HashSet<Guid> resellers)
    {
        var v = raw.Values;
        if (v[ReportNumber] != number) check.Add("report_number", $"differs from the report's number ({number})");
        if (v[PeriodStart] != start.ToString("yyyy-MM-dd") && ParseDate(v[PeriodStart]) != start) check.Add("period_start", "differs from the report's period");
        if (v[PeriodEnd] != end.ToString("yyyy-MM-dd") && ParseDate(v[PeriodEnd]) != end) check.Add("period_end", "differs from the report's period");
        var invoice = check.Text("invoice_number", v[InvoiceNumber], 60);
        var date = Date(check, "invoice_date", v[InvoiceDate]);
        if (date is { } d && (d < start || d > end)) check.Add("invoice_date", $"is outside the report's period ({start:yyyy-MM-dd} to {end:yyyy-MM-dd})");
        var type = check.OneOf("transaction_type", v[TransactionType]?.Trim().ToLowerInvariant(), transactionTypes);
        Guid reseller = default;
        if (string.IsNullOrWhiteSpace(v[ResellerId])) check.Add("reseller_id", "is required");
        else if (!Guid.TryParse(v[ResellerId], out reseller)) check.Add("reseller_id", "is not a partner id");
        else if (!resellers.Contains(reseller)) check.Add("reseller_id", "is not a reseller this distributor is authorized to serve");
        var customer = check.Note("end_customer_name", v[CustomerName], 200); // a quoted name may span lines
        var domain = check.Domain("end_customer_domain", Blank(v[CustomerDomain]), required: false);
        var country = check.Country("end_customer_country", v[CustomerCountry]);
        var region = check.Text("end_customer_region", Blank(v[CustomerRegion]), 100, required: false);
        var postal = check.Text("end_customer_postal_code", Blank(v[CustomerPostalCode]), 20, required: false);
        var sku = check.Text("vendor_sku", v[VendorSku], 40);
        if (sku is not null && !SkuPattern().IsMatch(sku)) check.Add("vendor_sku", "is not a vendor SKU (letters, digits, '-' and '.', such as SW-9300-48P)");
        var quantity = Number(check, "quantity", v[Quantity]);
        var price = Number(check, "unit_price", v[UnitPrice]);
        var amount = Number(check, "extended_amount", v[ExtendedAmount]);
        if (type == SellThroughTransaction.Sale && quantity <= 0) check.Add("quantity", "must be positive on a sale");
        if (price < 0) check.Add("unit_price", "must not be negative");
        if (quantity is { } q && price is { } p && amount is { } a && Math.Abs(q * p - a) > 0.01m)
            check.Add("extended_amount", $"is not quantity × unit price ({q * p:0.00})");
        var currency = check.Currency("currency", v[Currency]);
        Guid? deal = null;
        if (Blank(v[DealId]) is { } dealText)
        {
            if (Guid.TryParse(dealText, out var parsed)) deal = parsed;
            else check.Add("deal_id", "is not a deal registration id");
        }
        if (check.Failed) return null;
        return new SellThroughLine
        {
            LineNumber = raw.Number,
            InvoiceNumber = invoice!,
            InvoiceDate = date!.Value,
            TransactionType = type!,
            ResellerId = reseller,
            EndCustomerName = customer!,
            EndCustomerDomain = domain,
            EndCustomerCountry = country!,
            EndCustomerRegion = region,
            EndCustomerPostalCode = postal,
            VendorSku = sku!.ToUpperInvariant(),
            Quantity = quantity!.Value,
            UnitPrice = price!.Value,
            ExtendedAmount = amount!.Value,
            Currency = currency!,
            DealId = deal,
        };
    }

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    static DateOnly? Date(Check check, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) { check.Add(field, "is required"); return null; }
        var date = ParseDate(text);
        if (date is null) check.Add(field, "must be a date as YYYY-MM-DD");
        return date;
    }

    static decimal? Number(Check check, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) { check.Add(field, "is required"); return null; }
        if (decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            && Math.Abs(n) < 1_000_000_000_000m)
            return n;
        check.Add(field, "must be a number such as 1234.50");
        return null;
    }

    /// <summary>
    /// Checks the whole body before anything reads it as lines, with a fixed buffer (a refused upload
    /// costs no memory): valid UTF-8, no CSV line or JSON line object longer than
    /// <see cref="Options.MaxLineBytes"/>, JSON no deeper than an array of objects of values.
    /// Null when it is fit to read; otherwise why not.
    /// </summary>
    static async Task<string?> Scan(Spooled body, string media, Options options, CancellationToken ct)
    {
        var stream = body.Rewind();
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var chars = new char[64 * 1024];
        var buffer = new byte[options.MaxLineBytes + 64 * 1024];
        var json = media == "application/json";
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 3, CommentHandling = JsonCommentHandling.Disallow });
        var (held, lineBytes, line, offset) = (0, 0L, 1, 0L);
        long elementStart = -1;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(held, buffer.Length - held), ct);
            var fresh = buffer.AsSpan(held, read);
            try
            {
                var rest = fresh;
                do
                {
                    decoder.Convert(rest, chars, flush: read == 0, out var used, out _, out _);
                    rest = rest[used..];
                }
                while (!rest.IsEmpty);
            }
            catch (DecoderFallbackException) { return $"the report is not valid UTF-8 (near line {line})"; }
            foreach (var b in fresh)
            {
                if (b == (byte)'\n') { line++; lineBytes = 0; }
                else if (!json && ++lineBytes > options.MaxLineBytes) return $"line {line} is longer than {options.MaxLineBytes} bytes";
            }
            if (!json)
            {
                if (read == 0) return null;
                continue;
            }
            held += read;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, held), isFinalBlock: read == 0, state);
            try
            {
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 1) elementStart = offset + reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
                    {
                        if (offset + reader.BytesConsumed - elementStart > options.MaxLineBytes)
                            return $"a line object is longer than {options.MaxLineBytes} bytes (near line {line})";
                        elementStart = -1;
                    }
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 2)
                        return $"the JSON nests too deep: a report is an array of line objects of plain values (near line {line})";
                }
            }
            catch (JsonException e) { return $"the JSON is not an array of line objects ({e.Message.Split('.')[0]})"; }
            if (elementStart >= 0 && offset + held - elementStart > options.MaxLineBytes)
                return $"a line object is longer than {options.MaxLineBytes} bytes (near line {line})";
            if (read == 0) return null;
            state = reader.CurrentState;
            var consumed = (int)reader.BytesConsumed;
            buffer.AsSpan(consumed, held - consumed).CopyTo(buffer);
            held -= consumed;
            offset += consumed;
        }
    }

    /// <summary>CSV with a header row (any column order, BOM or not, CRLF or LF, quoted fields with commas and newlines).</summary>
    static async IAsyncEnumerable<Raw> ReadCsv(Stream body, List<string> ignored, int maxField, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = null,
            IgnoreBlankLines = true,
            MissingFieldFound = null,
            TrimOptions = TrimOptions.None,
            BufferSize = 64 * 1024,
            MaxFieldSize = maxField,
        };
        using var csv = new CsvParser(reader, config);
        if (!await Next(csv, maxField)) throw new BadReport("header", "the report is empty: a header row is expected");
        var header = csv.Record!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var positions = new int[Columns.Length];
        Array.Fill(positions, -1);
        for (var i = 0; i < header.Length; i++)
        {
            if (!columnIndex.TryGetValue(header[i], out var column)) { if (header[i].Length > 0) ignored.Add(header[i]); continue; }
            if (positions[column] >= 0) throw new BadReport("header", $"the column {header[i]} appears twice");
            positions[column] = i;
        }
        var missing = Columns.Where((c, i) => positions[i] < 0 && !optional.Contains(c)).ToList();
        if (missing.Count > 0) throw new BadReport("header", $"required columns are missing: {string.Join(", ", missing)}");
        while (await Next(csv, maxField))
        {
            ct.ThrowIfCancellationRequested();
            var record = csv.Record!;
            if (record.Length == 1 && record[0].Length == 0) continue;
            var values = new string?[Columns.Length];
            for (var i = 0; i < values.Length; i++)
                values[i] = positions[i] >= 0 && positions[i] < record.Length ? record[positions[i]] : null;
            yield return new Raw(csv.Row, values);
        }
    }

    static async Task<bool> Next(CsvParser csv, int maxField)
    {
        try { return await csv.ReadAsync(); }
        catch (MaxFieldSizeException) { throw new BadReport("body", $"a field on line {csv.Row} is longer than {maxField} characters"); }
    }

    /// <summary>A JSON array of line objects with the same field names as the CSV columns, streamed element by element.</summary>
    static async IAsyncEnumerable<Raw> ReadJson(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var number = 0;
        IAsyncEnumerable<Dictionary<string, JsonElement>?> items;
        items = JsonSerializer.DeserializeAsyncEnumerable<Dictionary<string, JsonElement>>(body, cancellationToken: ct);
        await using var e = items.GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync()) break;
            }
            catch (JsonException json)
            {
                throw new BadReport("body", $"the JSON is not an array of line objects (line {number + 1}: {json.Message.Split('.')[0]})");
            }
            number++;
            var values = new string?[Columns.Length];
            foreach (var (key, value) in e.Current ?? [])
                if (columnIndex.TryGetValue(key, out var column))
                    values[column] = value.ValueKind switch
                    {
                        JsonValueKind.String => Text(value, number, key),
                        JsonValueKind.Null or JsonValueKind.Undefined => null,
                        _ => value.GetRawText(),
                    };
            yield return new Raw(number, values);
        }
    }

    /// <summary>A JSON string as text; an escaped lone surrogate (valid JSON, but no text) refuses the body.</summary>
    static string? Text(JsonElement value, int line, string field)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new BadReport("body", $"line {line}: {field} is not valid text (an unpaired surrogate)");
        }
    }

    /// <summary>A request body read to a temporary file (deleted when disposed), with its SHA-256 and size.</summary>
    sealed class Spooled : IAsyncDisposable
    {
        readonly FileStream file;
        public byte[] Hash { get; private init; } = [];
        public long Bytes => file.Length;

        Spooled(FileStream file) => this.file = file;

        public static async Task<Spooled> From(Stream body, CancellationToken ct)
        {
            var file = new FileStream(Path.Combine(Path.GetTempPath(), $"channel-report-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                return new Spooled(file) { Hash = sha.GetHashAndReset() };
            }
            catch
            {
                await file.DisposeAsync();
                throw;
            }
        }

        /// <summary>The body from its start (one reader at a time).</summary>
        public Stream Rewind()
        {
            file.Position = 0;
            return file;
        }

        public ValueTask DisposeAsync() => file.DisposeAsync();
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.\-]{1,39}$")]
    private static partial Regex SkuPattern();
}
