// An .ipynb (nbformat 4.5) held as a JSON tree, so that metadata and tags we do not know survive a run untouched.
using System.Text.Json;
using System.Text.Json.Nodes;
using ZslKit.Torch.Serialization;

namespace ZslKit.Notebooks;

/// <summary>A Jupyter notebook in the VS Code Polyglot Notebooks flavour, read and written as a JSON tree.</summary>
public sealed class Notebook
{
    private Notebook(JsonObject root, string? path)
    {
        Root = root;
        Path = path;
    }

    /// <summary>The whole document; edits here are what gets written.</summary>
    public JsonObject Root { get; }

    /// <summary>The file it was read from, when it was read from a file.</summary>
    public string? Path { get; }

    /// <summary>The cells, in order (live views over <see cref="Root"/>).</summary>
    public IReadOnlyList<NotebookCell> Cells =>
        CellArray.Select((c, i) => new NotebookCell(c as JsonObject
            ?? throw new NotebookFormatException(Path, $"cells[{i}] is not a JSON object"), i)).ToList();

    internal JsonArray CellArray => Root["cells"] as JsonArray ?? throw new NotebookFormatException(Path, "no \"cells\" array");

    /// <summary>Reads a notebook; throws <see cref="NotebookFormatException"/> naming the file, line and column on bad JSON.</summary>
    public static Notebook Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, $"cannot read: {e.Message}");
        }
        return Parse(bytes, path);
    }

    /// <summary>
    /// Parses notebook JSON (UTF-8) and checks every cell: a JSON object with a known <c>cell_type</c> and a <c>source</c> that
    /// is a string or an array of strings (a cell without <c>source</c> is read as empty).
    /// </summary>
    public static Notebook Parse(ReadOnlySpan<byte> utf8, string? path = null)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty) throw new NotebookFormatException(path, "the file is empty");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(path, $"invalid JSON at {JsonErrorText.Describe(e)}");
        }
        if (node is not JsonObject root) throw new NotebookFormatException(path, "the top level is not a JSON object");
        var nb = new Notebook(root, path);
        var major = root["nbformat"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        if (major != 4) throw new NotebookFormatException(path, $"nbformat {major} is not supported (need 4)");
        var cells = nb.CellArray;
        for (var i = 0; i < cells.Count; i++)
        {
            var where = $"cell {i + 1} (cells[{i}])";
            if (cells[i] is not JsonObject cell) throw new NotebookFormatException(path, $"{where} is {Shown(cells[i])}, not a JSON object");
            if (CellProblem(cell) is { } problem) throw new NotebookFormatException(path, $"{where}: {problem}");
        }
        return nb;
    }

    /// <summary>The cell types of nbformat 4.</summary>
    public static IReadOnlyList<string> CellTypes { get; } = ["code", "markdown", "raw"];

    /// <summary>What makes <paramref name="cell"/> not an nbformat 4 cell, or null when it is one.</summary>
    private static string? CellProblem(JsonObject cell)
    {
        if (!cell.TryGetPropertyValue("cell_type", out var type)) return "no \"cell_type\"";
        if (Str(type) is not { } t || !CellTypes.Contains(t))
            return $"\"cell_type\" is {Shown(type)}, not one of {string.Join(", ", CellTypes.Select(x => $"\"{x}\""))}";
        if (!cell.TryGetPropertyValue("source", out var source)) return null; // read as "" (nbformat requires it; be lenient)
        switch (source)
        {
            case JsonValue v when v.TryGetValue<string>(out _):
                return null;
            case JsonArray lines:
                for (var k = 0; k < lines.Count; k++)
                    if (Str(lines[k]) is null) return $"\"source\"[{k}] is {Shown(lines[k])}, not a string";
                return null;
            default:
                return $"\"source\" is {Shown(source)}, not a string or an array of strings";
        }
    }

    /// <summary>A JSON value as a message quotes it: null, 7, "text", an array, an object (long text cut).</summary>
    private static string Shown(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject => "an object",
        _ => node.ToJsonString() is var json && json.Length > 40 ? json[..37] + "..." : node.ToJsonString(),
    };

    /// <summary>A deep copy (so a run never edits the document it was given).</summary>
    public Notebook Clone() => new((JsonObject)Root.DeepClone(), Path);

    /// <summary>
    /// The kernel a cell without its own kernel name runs in: <c>metadata.polyglot_notebook.kernelInfo.defaultKernelName</c>,
    /// else derived from the kernelspec.
    /// </summary>
    public string DefaultKernelName
    {
        get
        {
            var md = Root["metadata"] as JsonObject;
            if (Str(md?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]) is { } k) return k;
            return Str(md?["kernelspec"]?["name"]) switch
            {
                null or ".net-csharp" => "csharp",
                ".net-fsharp" => "fsharp",
                ".net-pwsh" => "pwsh",
                var other => other,
            };
        }
    }

    /// <summary>Makes the document nbformat 4.5 as Polyglot writes it: kernelspec, language_info, kernelInfo, cell ids.</summary>
    public void NormalizePolyglotMetadata()
    {
        Root["nbformat"] = 4;
        Root["nbformat_minor"] = 5;
        if (Root["metadata"] is not JsonObject md) Root["metadata"] = md = new JsonObject();
        md["kernelspec"] ??= new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        md["language_info"] ??= new JsonObject { ["name"] = "polyglot-notebook" };
        md["polyglot_notebook"] ??= new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        };
        var used = new HashSet<string>();
        foreach (var cell in Cells)
        {
            if (cell.Id is not { } id || !used.Add(id)) cell.Json["id"] = NewCellId(used);
        }
    }

    /// <summary>Removes every output and execution count (what a committed notebook looks like).</summary>
    public void ClearOutputs()
    {
        foreach (var cell in Cells.Where(c => c.IsCode))
        {
            cell.Json["outputs"] = new JsonArray();
            cell.Json["execution_count"] = null;
        }
    }

    /// <summary>Serialises as Polyglot/nbformat do: 1-space indent, multi-line strings as line arrays, trailing newline.</summary>
    public string ToIpynbJson() => IpynbWriter.Write(Root);

    /// <summary>Writes <see cref="ToIpynbJson"/> to a file, creating its folder.</summary>
    public void Save(string path)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToIpynbJson());
    }

    internal static string NewCellId(ISet<string> used)
    {
        while (true)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            if (used.Add(id)) return id;
        }
    }

    internal static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>A notebook file that is not a readable nbformat 4 document.</summary>
public sealed class NotebookFormatException(string? path, string message)
    : Exception($"{path ?? "<notebook>"}: {message}")
{
    public string? NotebookPath { get; } = path;
}
