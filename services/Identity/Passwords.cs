using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Channel.Identity;

/// <summary>
/// The password rule: at least 12 characters, not a common password (the list shipped with the
/// service: the 30,000 most common passwords from public breaches, as zxcvbn ranks them), nor one
/// made of a common password with digits or symbols around it or repeated, nor the person's own
/// name or address. Hashing is ASP.NET Core Identity's (PBKDF2 with HMAC-SHA512, 100,000 rounds).
/// </summary>
public sealed class Passwords
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 256;
    readonly HashSet<string> common;
    readonly PasswordHasher<Account> hasher = new();

    public Passwords()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Channel.Identity.Resources.common-passwords.txt")
            ?? throw new InvalidOperationException("the common passwords list is missing from the build");
        using var reader = new StreamReader(stream);
        common = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Trim() is { Length: > 0 } word) common.Add(word);
    }

    public int CommonCount => common.Count;

    /// <summary>Why the password may not be used, or null when it may.</summary>
    public string? Problem(string? password, Account account)
    {
        if (string.IsNullOrEmpty(password)) return "Choose a password.";
        if (password.Length < MinimumLength) return $"Use at least {MinimumLength} characters.";
        if (password.Length > MaximumLength) return $"Use at most {MaximumLength} characters.";
        if (IsCommon(password)) return "This password is too common: attackers try it first. A few unrelated words make a strong one.";
        var lower = password.ToLowerInvariant();
        var local = account.Email.Split('@')[0].ToLowerInvariant();
        if (local.Length >= 4 && lower.Contains(local)) return "Do not use your e-mail address in your password.";
        if (account.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(part => part.Length >= 4 && lower.Contains(part.ToLowerInvariant())))
            return "Do not use your name in your password.";
        if (password.Distinct().Count() < 4) return "Use more different characters.";
        return null;
    }

    bool IsCommon(string password)
    {
        if (common.Contains(password)) return true;
        // A common password with digits and symbols before or after it ("Password123!"), or with letters swapped for look-alikes.
        var core = password.Trim("0123456789!@#$%^&*()_-+=.,?~ ".ToCharArray());
        if (core.Length > 0 && (common.Contains(core) || common.Contains(Unleet(core)))) return true;
        // One common password written twice or more ("qwertyqwerty").
        for (var size = 3; size <= password.Length / 2; size++)
            if (password.Length % size == 0 && common.Contains(password[..size]) &&
                Enumerable.Range(1, password.Length / size - 1).All(i => password.Substring(i * size, size).Equals(password[..size], StringComparison.OrdinalIgnoreCase)))
                return true;
        return false;
    }

    static string Unleet(string s) => new([.. s.ToLowerInvariant().Select(c => c switch
    {
        '0' => 'o', '1' => 'i', '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '@' => 'a', '$' => 's', _ => c,
    })]);

    public string Hash(Account account, string password) => hasher.HashPassword(account, password);

    public bool Verify(Account account, string password) =>
        account.PasswordHash is { } hash && hasher.VerifyHashedPassword(account, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>Spends as long as a real check when there is no account, so timing does not tell which addresses have one.</summary>
    public void VerifyNothing(string password) => hasher.VerifyHashedPassword(dummy, dummyHash, password);

    static readonly Account dummy = new() { Email = "nobody@example.invalid" };
    static readonly string dummyHash = new PasswordHasher<Account>().HashPassword(dummy, "not a password anyone has");
}
