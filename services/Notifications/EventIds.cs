using System.Security.Cryptography;
using System.Text;

namespace Channel.Notifications;

/// <summary>
/// The identity of an event: what it is about and at which version, not the message that carried
/// it, so a copy published again (a relay's retry, an operator's replay) is the same event.
/// </summary>
public static class EventIds
{
    public static Guid Of(string subjectType, Guid subjectId, int version) =>
        new(MD5.HashData(Encoding.UTF8.GetBytes($"{subjectType} {subjectId} {version}")));
}
