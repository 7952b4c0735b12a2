// Skip.cs - dynamic test skips (Skip.If / Skip.IfNot) on top of xunit v3's Assert.SkipWhen / Assert.SkipUnless.
using System.Diagnostics.CodeAnalysis;

namespace ZslKit.Testing;

/// <summary>
/// Dynamic skips in the shape the tests used with Xunit.SkippableFact (<c>Skip.If(cond, reason)</c>), forwarding to
/// xunit v3's <see cref="Assert.SkipWhen"/> and <see cref="Assert.SkipUnless"/>: the test ends as skipped with the reason.
/// </summary>
public static class Skip
{
    /// <summary>Skips the running test with <paramref name="reason"/> when <paramref name="condition"/> is true.</summary>
    public static void If([DoesNotReturnIf(true)] bool condition, string reason) => Assert.SkipWhen(condition, reason);

    /// <summary>Skips the running test with <paramref name="reason"/> when <paramref name="condition"/> is false.</summary>
    public static void IfNot([DoesNotReturnIf(false)] bool condition, string reason) => Assert.SkipUnless(condition, reason);
}
