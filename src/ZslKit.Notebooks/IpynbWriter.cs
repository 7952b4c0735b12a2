// Writes a notebook JSON tree the way VS Code Polyglot Notebooks / nbformat do, so diffs against VS Code saves stay small.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ZslKit.Notebooks;

/// <summary>nbformat-style JSON: 1-space indent, multi-line strings (source, stream text, text mime data) as line arrays.</summary>
public static partial class IpynbWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serialises a copy of <paramref name="root"/> with multi-line strings split into Jupyter line arrays.</summary>
    public static string Write(JsonObject root)
    {
        var copy = (JsonObject)root.DeepClone();
        if (copy["cells"] is JsonArray cells)
        {
            foreach (var c in cells.OfType<JsonObject>())
            {
                if (c["source"] is JsonValue sv && sv.TryGetValue<string>(out var src)) c["source"] = ToLines(src);
                if (c["outputs"] is not JsonArray outs) continue;
                foreach (var o in outs.OfType<JsonObject>())
                {
                    if (o["text"] is JsonValue tv && tv.TryGetValue<string>(out var text)) o["text"] = ToLines(text);
                    if (o["data"] is not JsonObject data) continue;
                    foreach (var key in data.Select(p => p.Key).ToList())
                        if (!IsJsonMime(key) && data[key] is JsonValue dv && dv.TryGetValue<string>(out var s))
                            data[key] = ToLines(s);
                }
            }
        }
        return copy.ToJsonString(Options) + "\n";
    }

    /// <summary>nbformat keeps JSON mime types (application/json, application/*+json) as JSON, not as text.</summary>
    public static bool IsJsonMime(string mime) => mime == "application/json" || JsonMime().IsMatch(mime);

    /// <summary>Splits text into lines that keep their '\n' (the last line has none unless the text ends with one).</summary>
    public static JsonArray ToLines(string text)
    {
        var arr = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            arr.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) arr.Add(text[start..]);
        return arr;
    }

    [GeneratedRegex(@"^application/.+\+json$")]
    private static partial Regex JsonMime();
}
