using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Mail;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// The caller's own mail preferences: every kind of mail their role can receive, what it is about,
/// their setting (or its default) and the settings they may choose. Security mail cannot be turned off.
/// </summary>
public static class GetPreferences
{
    public sealed record Preference(string Kind, string Description, string Setting, IReadOnlyList<string> Choices, bool Security);

    public sealed record Preferences(string Subject, IReadOnlyList<Preference> Kinds);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/preferences", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Preferences>().WithSummary("Your mail preferences");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await Load(conn, null, Caller.From(user), ct));
    }

    public static async Task<Preferences> Load(NpgsqlConnection conn, NpgsqlTransaction? tx, Caller caller, CancellationToken ct)
    {
        var chosen = (await conn.QueryAsync<(string Kind, string Setting)>(new CommandDefinition(
            "select kind, setting from preferences where subject = @Subject", new { caller.Subject }, tx, cancellationToken: ct)))
            .ToDictionary(p => p.Kind, p => p.Setting);
        return new Preferences(caller.Subject, [.. MailKinds.For(caller.Role).Select(k => new Preference(k.Name, k.Description,
            k.Security ? MailKinds.On : chosen.GetValueOrDefault(k.Name, k.Default), k.Choices, k.Security))]);
    }
}
