// JsonErrorText.cs - one wording for System.Text.Json errors in user-facing messages: "line L, column C: what (at $.path)",
// without the " Path: … | LineNumber: … | BytePositionInLine: …" tail that JsonException appends to its own message, and
// with the serializer's commonest errors said in a user's words (unknown field, value of the wrong type, empty input).
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ZslKit.Torch.Serialization;

public static partial class JsonErrorText
{
    [GeneratedRegex(@"\s*(Path: .*? \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.\s*$")]
    private static partial Regex PositionTail();

    [GeneratedRegex(@"^The JSON property '(?<name>.*?)' could not be mapped to any \.NET member contained in type '.*?'\.$")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"^The JSON value could not be converted to [\w.`+\[\], ]+?\.$")]
    private static partial Regex WrongType();

    [GeneratedRegex(@"^The input does not contain any JSON tokens\..*$")]
    private static partial Regex NoTokens();

    /// <summary>What <see cref="Describe"/> says for a value of the wrong type (callers that know the field's type may
    /// replace it with what the field takes).</summary>
    public const string WrongTypeText = "a value of the wrong type";

    /// <summary>
    /// The error of <paramref name="e"/> as "line L, column C: message (at $.path)"; L and C count from 1 (C in bytes of
    /// UTF-8). The position is left out when the exception has none, the path when it is the root or unknown.
    /// </summary>
    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var what = PositionTail().Replace(e.Message, "").Trim();
        if (what.Length == 0) what = "invalid JSON";
        what = UnknownMember().Replace(what, m => $"unknown field '{m.Groups["name"].Value}'");
        what = WrongType().Replace(what, WrongTypeText);   // the type it names is often the enclosing record's
        what = NoTokens().Replace(what, "the input is empty (no JSON value)");
        var at = e.Path is { Length: > 0 } p && p != "$" ? $" (at {p})" : "";
        return e.LineNumber is { } line
            ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {what}{at}"
            : what + at;
    }
}
