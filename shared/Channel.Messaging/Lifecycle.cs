namespace Channel.Messaging;

/// <summary>
/// What a lifecycle transition decides: the aggregate's next state with the event that announces it,
/// or a refusal naming the state it was in. A transition only decides; the service's one commit
/// path bumps the version and writes the row, its history and the event together, so no version
/// exists without its event.
/// </summary>
public abstract record Outcome<TState> where TState : class;

/// <summary>
/// The aggregate moves to <see cref="State"/>; <see cref="Announce"/> makes the event of the new
/// state at its new version (the commit path knows the version). <see cref="Action"/>,
/// <see cref="Reason"/> and <see cref="Changes"/> go into the aggregate's history.
/// </summary>
public sealed record Moved<TState>(TState State, string Action, Func<TState, int, object> Announce, string? Reason = null, object? Changes = null)
    : Outcome<TState> where TState : class;

/// <summary>The transition is not allowed from <see cref="CurrentStatus"/> (409 with that status).</summary>
public sealed record Refused<TState>(string CurrentStatus, string Title, string? Detail = null) : Outcome<TState> where TState : class
{
    public IResult Problem() => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: Title, detail: Detail,
        extensions: new Dictionary<string, object?> { ["currentStatus"] = CurrentStatus });
}
