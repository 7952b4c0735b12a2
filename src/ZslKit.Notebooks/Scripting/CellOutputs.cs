// The nbformat outputs of the cell that is running: display_data, execute_result, stream and error entries.
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;

namespace ZslKit.Notebooks.Scripting;

/// <summary>Collects the outputs of one cell in the order they happen, as Polyglot Notebooks writes them.</summary>
public sealed class CellOutputs
{
    private static readonly AsyncLocal<CellOutputs?> CurrentSlot = new();

    /// <summary>The collector of the cell running on this async flow (null outside a cell).</summary>
    public static CellOutputs? Current
    {
        get => CurrentSlot.Value;
        internal set => CurrentSlot.Value = value;
    }

    /// <summary>The outputs so far (nbformat output objects).</summary>
    public List<JsonObject> Items { get; } = [];

    /// <summary>
    /// A mime bundle for <paramref name="value"/>: the given mime types, or the formatter's preferred ones plus text/plain
    /// (what Polyglot writes for a displayed value). JSON mime types hold parsed JSON.
    /// </summary>
    public static JsonObject MimeBundle(object? value, IReadOnlyList<string> mimeTypes)
    {
        IEnumerable<string> types = mimeTypes.Count > 0
            ? mimeTypes
            : Formatter.GetPreferredMimeTypesFor(value?.GetType()).Append(PlainTextFormatter.MimeType).Distinct();
        var data = new JsonObject();
        foreach (var mime in types)
        {
            var text = value is null ? "<null>" : Formatter.ToDisplayString(value, mime);
            data[mime] = IpynbWriter.IsJsonMime(mime) ? JsonNode.Parse(text) : text;
        }
        return data;
    }

    /// <summary>Adds a display_data output and returns a handle that can replace it later.</summary>
    public DisplayedValue AddDisplay(object? value, IReadOnlyList<string> mimeTypes)
    {
        var output = new JsonObject
        {
            ["data"] = MimeBundle(value, mimeTypes),
            ["metadata"] = new JsonObject(),
            ["output_type"] = "display_data",
        };
        lock (Items) Items.Add(output);
        return new DisplayedValue(output, mimeTypes);
    }

    /// <summary>Adds a display_data output with one ready-made mime entry (markdown and html cells).</summary>
    public void AddRaw(string mime, string text)
    {
        lock (Items)
            Items.Add(new JsonObject
            {
                ["data"] = new JsonObject { [mime] = text },
                ["metadata"] = new JsonObject(),
                ["output_type"] = "display_data",
            });
    }

    /// <summary>Adds the value of a trailing expression as execute_result.</summary>
    public void AddResult(object? value, int executionCount)
    {
        lock (Items)
            Items.Add(new JsonObject
            {
                ["data"] = MimeBundle(value, []),
                ["execution_count"] = executionCount,
                ["metadata"] = new JsonObject(),
                ["output_type"] = "execute_result",
            });
    }

    /// <summary>Appends console text; consecutive writes to one stream merge into one stream output.</summary>
    public void AddStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (Items)
        {
            if (Items.Count > 0 && Items[^1] is var last && Notebook.Str(last["output_type"]) == "stream" && Notebook.Str(last["name"]) == name)
                last["text"] = Notebook.Str(last["text"]) + text;
            else
                Items.Add(new JsonObject { ["name"] = name, ["output_type"] = "stream", ["text"] = text });
        }
    }

    /// <summary>Adds an error output (ename, evalue, traceback lines).</summary>
    public void AddError(string ename, string evalue, IEnumerable<string> traceback)
    {
        lock (Items)
            Items.Add(new JsonObject
            {
                ["ename"] = ename,
                ["evalue"] = evalue,
                ["output_type"] = "error",
                ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            });
    }
}

/// <summary>What display(...) returns, like .NET Interactive's DisplayedValue: Update replaces the shown content.</summary>
public sealed class DisplayedValue
{
    private readonly JsonObject _output;
    private readonly IReadOnlyList<string> _mimeTypes;

    internal DisplayedValue(JsonObject output, IReadOnlyList<string> mimeTypes)
    {
        _output = output;
        _mimeTypes = mimeTypes;
    }

    /// <summary>Replaces the displayed content with <paramref name="value"/>.</summary>
    public void Update(object? value) => _output["data"] = CellOutputs.MimeBundle(value, _mimeTypes);
}
