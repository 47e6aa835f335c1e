using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Channel.Identity.Pages;

/// <summary>The sign-in pages' frame: plain, server-rendered HTML (no script), every value encoded, every form with its anti-forgery token.</summary>
public static class Html
{
    const string Style = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
        main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}
        h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
        input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #9aa5b1;border-radius:4px;font:inherit}
        button{margin-top:1.2rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;font:inherit;cursor:pointer}
        .error{color:#b00020;margin:.5rem 0}.note{color:#52606d;font-size:.9rem}.ok{color:#1e7a34}a{color:#0b5cad}
        .brand{font-weight:700;color:#0b5cad;margin-bottom:1rem}code{word-break:break-all}
        .demo{margin-top:2rem;border-top:1px solid #d9e0e6;padding-top:1rem}.demo h2{font-size:1.05rem;margin:0}
        a.external{display:block;text-align:center;padding:.6rem;border:1px solid #0b5cad;border-radius:4px;text-decoration:none}
        .demo button{margin-top:.6rem;background:#fff;color:#1d2733;border:1px solid #9aa5b1;text-align:left}
        """;

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IResult Page(string title, string body, int status = 200) => Results.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Encode(title)} · Channel</title><style>{Style}</style></head>
        <body><main><div class="brand">Channel</div><h1>{Encode(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", null, status);

    /// <summary>A form posting back to the page it is on, with the anti-forgery token and the given hidden values.</summary>
    public static string Form(HttpContext http, string action, string fields, string button, params (string Name, string? Value)[] hidden)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var extra = string.Concat(hidden.Where(h => h.Value is not null).Select(h => $"""<input type="hidden" name="{Encode(h.Name)}" value="{Encode(h.Value)}">"""));
        return $"""
            <form method="post" action="{Encode(action)}" novalidate>
            <input type="hidden" name="{Encode(tokens.FormFieldName)}" value="{Encode(tokens.RequestToken)}">{extra}
            {fields}
            <button type="submit">{Encode(button)}</button>
            </form>
            """;
    }

    public static string Field(string name, string label, string type, string? value = null, string? error = null, string? autocomplete = null,
        bool autofocus = false) => $"""
        <label for="{name}">{Encode(label)}</label>
        <input id="{name}" name="{name}" type="{type}" value="{Encode(value)}"{(autocomplete is null ? "" : $" autocomplete=\"{autocomplete}\"")}{(autofocus ? " autofocus" : "")}{(error is null ? "" : $" aria-invalid=\"true\" aria-describedby=\"{name}-error\"")}>
        {(error is null ? "" : $"""<p class="error" id="{name}-error">{Encode(error)}</p>""")}
        """;

    public static string Error(string? message) => message is null ? "" : $"""<p class="error" role="alert">{Encode(message)}</p>""";

    /// <summary>Where to go after signing in: only back into this provider's own authorization endpoint or pages, never elsewhere.</summary>
    public static string SafeReturn(HttpContext http, string? returnUrl)
    {
        var start = $"{http.Request.PathBase}/";
        return !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith(start, StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
               && !returnUrl.Contains('\\') ? returnUrl : $"{http.Request.PathBase}/account/signed-in";
    }
}
