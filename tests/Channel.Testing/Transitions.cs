using System.Text.Json;
using Channel.Messaging;
using Xunit;

namespace Channel.Testing;

/// <summary>
/// For the rules tests of a lifecycle (an aggregate's transitions with no database or broker): a move taken as the commit
/// path would save it, a refusal checked word for word, and values compared as JSON (records holding lists compare
/// those by reference).
/// </summary>
public static class Transitions
{
    /// <summary>The next state of a transition that must move, as <paramref name="saved"/> says the commit path saves it.</summary>
    public static (T State, Moved<T> Moved) Move<T>(Outcome<T> outcome, Func<T, T> saved) where T : class
    {
        var moved = Assert.IsType<Moved<T>>(outcome);
        return (saved(moved.State), moved);
    }

    /// <summary>A refusal from <paramref name="status"/>, with its title and detail.</summary>
    public static void Refused<T>(Outcome<T> outcome, string status, string title, string? detail) where T : class
    {
        var refused = Assert.IsType<Refused<T>>(outcome);
        Assert.Equal((status, title, detail), (refused.CurrentStatus, refused.Title, refused.Detail));
    }

    public static string Json(object? value) => JsonSerializer.Serialize(value);
}
