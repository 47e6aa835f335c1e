using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Fluid;

namespace Channel.Notifications.Mail;

/// <summary>A mail ready to owe: its subject and both its parts.</summary>
public sealed record Composed(string Subject, string Text, string Html);

/// <summary>
/// The mail templates kept with the service (Templates/{kind}.subject|txt|html.liquid, Liquid through
/// Fluid): the plain-text part as written, the HTML part with every value HTML-encoded.
/// </summary>
public sealed class Templates
{
    static readonly FluidParser parser = new();
    readonly ConcurrentDictionary<string, IFluidTemplate> parsed = new();
    readonly TemplateOptions options = new() { MemberAccessStrategy = new UnsafeMemberAccessStrategy() };

    public async Task<Composed> Compose(string kind, object model)
    {
        var context = new TemplateContext(model, options);
        var subject = (await Get(kind, "subject").RenderAsync(context)).Trim();
        var text = await Get(kind, "txt").RenderAsync(context);
        var html = await Get(kind, "html").RenderAsync(context, HtmlEncoder.Default);
        return new Composed(subject, text, html);
    }

    IFluidTemplate Get(string kind, string part) => parsed.GetOrAdd($"{kind}.{part}", name =>
    {
        var resource = $"Channel.Notifications.Templates.{name}.liquid";
        using var stream = typeof(Templates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"no mail template {resource}");
        using var reader = new StreamReader(stream);
        return parser.TryParse(reader.ReadToEnd(), out var template, out var error)
            ? template
            : throw new InvalidOperationException($"mail template {resource}: {error}");
    });
}
