// Papermill's parameter convention for C# notebooks: values given on the command line replace the defaults declared in the
// cell tagged "parameters" by a cell tagged "injected-parameters" placed right after it.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ZslKit.Notebooks;

/// <summary>A parameter declared in the "parameters" cell: its name and C# type keyword ("" when not a simple literal type).</summary>
public sealed record ParameterDeclaration(string Name, string Type);

/// <summary>A parameter name or value that does not fit the notebook's declarations (the CLI exits 2 on it).</summary>
public sealed class ParameterException(string message) : Exception(message);

/// <summary>Inserts or replaces the "injected-parameters" cell.</summary>
public static class ParameterInjector
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>Parses "name=value" (the value may itself contain '=').</summary>
    public static KeyValuePair<string, string> ParseAssignment(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw new ParameterException($"--param needs name=value, got '{text}'");
        return new(text[..eq].Trim(), text[(eq + 1)..]);
    }

    /// <summary>The variables declared in the cell tagged "parameters", with their types; empty when there is no such cell.</summary>
    public static IReadOnlyList<ParameterDeclaration> Declarations(Notebook notebook)
    {
        var cell = notebook.Cells.FirstOrDefault(c => c.IsCode && c.HasTag(ParametersTag));
        return cell is null ? [] : Declarations(cell.Source);
    }

    /// <summary>The variables declared by top-level statements of a C# script.</summary>
    public static IReadOnlyList<ParameterDeclaration> Declarations(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script));
        var result = new List<ParameterDeclaration>();
        foreach (var field in tree.GetRoot().ChildNodes().OfType<FieldDeclarationSyntax>())
        {
            var decl = field.Declaration;
            foreach (var v in decl.Variables)
                result.Add(new ParameterDeclaration(v.Identifier.Text, decl.Type.IsVar ? InferType(v.Initializer?.Value) : decl.Type.ToString()));
        }
        return result;
    }

    /// <summary>
    /// Removes any earlier "injected-parameters" cell and, when <paramref name="values"/> is not empty, inserts a new one after
    /// the "parameters" cell. Each value is converted to a C# literal of the declared type.
    /// </summary>
    public static void Inject(Notebook notebook, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        var cells = notebook.CellArray;
        if (values.Count == 0) return;
        for (var i = cells.Count - 1; i >= 0; i--)
            if (cells[i] is JsonObject o && new NotebookCell(o, i).HasTag(InjectedTag)) cells.RemoveAt(i);
        var paramCell = notebook.Cells.FirstOrDefault(c => c.IsCode && c.HasTag(ParametersTag))
            ?? throw new ParameterException($"{notebook.Path}: --param given but no code cell is tagged \"{ParametersTag}\"");
        var declared = Declarations(paramCell.Source).ToDictionary(d => d.Name, d => d.Type);
        var sb = new StringBuilder("// Injected parameters (zsl notebooks run --param)\n");
        foreach (var (name, value) in values)
        {
            if (!declared.TryGetValue(name, out var type))
                throw new ParameterException(
                    $"{notebook.Path}: parameter '{name}' is not declared in the \"{ParametersTag}\" cell (declared: {string.Join(", ", declared.Keys)})");
            var literal = ToLiteral(type, value)
                ?? throw new ParameterException($"{notebook.Path}: parameter '{name}': '{value}' is not a valid {type}");
            sb.Append(type.Length == 0 ? $"var {name} = {literal};\n" : $"{type} {name} = {literal};\n");
        }
        var used = notebook.Cells.Select(c => c.Id).OfType<string>().ToHashSet();
        var injected = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = Notebook.NewCellId(used),
            ["metadata"] = new JsonObject
            {
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                ["tags"] = new JsonArray(InjectedTag),
            },
            ["outputs"] = new JsonArray(),
            ["source"] = sb.ToString().TrimEnd('\n'),
        };
        cells.Insert(paramCell.Index + 1, injected);
    }

    /// <summary>A C# literal for <paramref name="value"/> as <paramref name="type"/>, or null when it does not parse.</summary>
    public static string? ToLiteral(string type, string value)
    {
        var inv = CultureInfo.InvariantCulture;
        const NumberStyles I = NumberStyles.Integer, F = NumberStyles.Float;
        return type switch
        {
            "string" or "string?" => SymbolDisplay.FormatLiteral(value, quote: true),
            "bool" => bool.TryParse(value, out var b) ? (b ? "true" : "false") : null,
            "int" => int.TryParse(value, I, inv, out var n) ? n.ToString(inv) : null,
            "long" => long.TryParse(value, I, inv, out var l) ? l.ToString(inv) + "L" : null,
            "double" => double.TryParse(value, F, inv, out var d) && double.IsFinite(d) ? d.ToString("R", inv) + "d" : null,
            "float" => float.TryParse(value, F, inv, out var f) && float.IsFinite(f) ? f.ToString("R", inv) + "f" : null,
            "decimal" => decimal.TryParse(value, F, inv, out var m) ? m.ToString(inv) + "m" : null,
            _ => null, // other declared types cannot be typed from text: declare parameters as string/bool/int/long/double/float/decimal
        };
    }

    private static string InferType(ExpressionSyntax? value) => value switch
    {
        LiteralExpressionSyntax l => KeywordOf(l.Token.Value),
        PrefixUnaryExpressionSyntax { Operand: LiteralExpressionSyntax l } => KeywordOf(l.Token.Value),
        _ => "",
    };

    private static string KeywordOf(object? v) => v switch
    {
        string => "string", bool => "bool", int => "int", long => "long", double => "double", float => "float", decimal => "decimal",
        _ => "",
    };
}
