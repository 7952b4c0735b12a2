// One cell of a notebook: a live view over its JSON object.
using System.Text.Json.Nodes;

namespace ZslKit.Notebooks;

/// <summary>A cell of a <see cref="Notebook"/>; reads and writes go straight to the cell's JSON object.</summary>
public sealed class NotebookCell(JsonObject json, int index)
{
    /// <summary>The cell's JSON object inside the notebook tree.</summary>
    public JsonObject Json { get; } = json;

    /// <summary>0-based position in the notebook.</summary>
    public int Index { get; } = index;

    /// <summary>1-based position, as people count cells.</summary>
    public int Number => Index + 1;

    public string CellType => Notebook.Str(Json["cell_type"]) ?? "";
    public bool IsCode => CellType == "code";
    public string? Id => Notebook.Str(Json["id"]);

    /// <summary>The source joined into one string (nbformat allows a string or an array of lines).</summary>
    public string Source
    {
        get => Json["source"] switch
        {
            JsonArray a => string.Concat(a.Select(Notebook.Str)),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => "",
        };
        set => Json["source"] = value;
    }

    /// <summary><c>metadata.polyglot_notebook.kernelName</c> (or the older <c>dotnet_interactive.language</c>).</summary>
    public string? KernelName =>
        Notebook.Str(Json["metadata"]?["polyglot_notebook"]?["kernelName"]) ??
        Notebook.Str(Json["metadata"]?["dotnet_interactive"]?["language"]);

    /// <summary><c>metadata.tags</c>.</summary>
    public IReadOnlyList<string> Tags =>
        Json["metadata"]?["tags"] is JsonArray tags ? tags.Select(Notebook.Str).OfType<string>().ToList() : [];

    public bool HasTag(string tag) => Tags.Contains(tag);

    /// <summary>The cell's outputs array (created when missing).</summary>
    public JsonArray Outputs
    {
        get
        {
            if (Json["outputs"] is not JsonArray a) Json["outputs"] = a = new JsonArray();
            return a;
        }
    }

    public int? ExecutionCount => Json["execution_count"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    /// <summary>How messages name this cell: "cell 3 (id 1a2b3c)".</summary>
    public string Label => Id is { } id ? $"cell {Number} (id {id})" : $"cell {Number}";
}
