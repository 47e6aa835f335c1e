using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Channel.Testing;

/// <summary>
/// The one way a test waits for the system: poll a real signal (a row, a count, a page, a queue depth) until it holds,
/// and fail naming what was awaited when it does not within the time allowed. Never a fixed sleep: on a loaded machine a
/// sleep is either too short (a flaky failure) or proves nothing (a check that passes without checking).
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a loaded CI machine; a condition that holds returns at its first poll that sees it.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    static readonly TimeSpan interval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls until the condition holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> (by default the
    /// condition's source). <paramref name="every"/>: the pause between polls, for a poll that also moves a test clock on.
    /// </summary>
    public static async Task True(Func<Task<bool>> condition, [CallerArgumentExpression(nameof(condition))] string? what = null, TimeSpan? timeout = null,
        TimeSpan? every = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!await condition())
        {
            if (watch.Elapsed > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(every ?? interval);
        }
    }

    /// <summary>Polls until <paramref name="read"/> gives a value that <paramref name="holds"/>, and returns it.</summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> holds, [CallerArgumentExpression(nameof(holds))] string? what = null,
        TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            var value = await read();
            if (holds(value)) return value;
            if (watch.Elapsed > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds:0} s waiting for {what}; last seen: {value}");
            await Task.Delay(every ?? interval);
        }
    }
}

/// <summary>
/// That something does not happen, shown against a signal that it would have by now: <paramref name="done"/> is the
/// marker that the system has finished the work that could have caused it (the message handled, the timer's round run,
/// the later event applied). Checked at every poll until the marker shows, and once more after.
/// </summary>
public static class Never
{
    public static async Task Before(Func<Task<bool>> happened, Func<Task<bool>> done, [CallerArgumentExpression(nameof(happened))] string? what = null,
        TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = timeout ?? Eventually.DefaultTimeout;
        while (!await done())
        {
            if (await happened()) throw new InvalidOperationException($"it happened: {what}");
            if (watch.Elapsed > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds:0} s waiting for the marker after which {what} would have shown");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
        if (await happened()) throw new InvalidOperationException($"it happened: {what}");
    }
}
