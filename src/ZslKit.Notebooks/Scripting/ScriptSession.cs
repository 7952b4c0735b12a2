// One Roslyn script state per notebook: cells are chained submissions with Polyglot's default usings.
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive.Formatting;

namespace ZslKit.Notebooks.Scripting;

/// <summary>One compile error of a cell: cell-relative 1-based line and column, and "error CSxxxx: message".</summary>
public sealed record CellCompileError(int Line, int Column, string Error)
{
    /// <summary>"(line L, column C): error CSxxxx: message", as the notebook's error output shows it.</summary>
    public string Text => $"(line {Line}, column {Column}): {Error}";
}

/// <summary>A compile error of a cell, with cell-relative positions.</summary>
public sealed class CellCompilationException(IReadOnlyList<CellCompileError> errors)
    : Exception(string.Join("\n", errors.Select(e => e.Text)))
{
    public IReadOnlyList<CellCompileError> Errors { get; } = errors;
}

/// <summary>The value a cell ends with could not be displayed: a formatter threw <see cref="Exception.InnerException"/>.</summary>
public sealed class CellDisplayException(Type? valueType, Exception inner)
    : Exception($"displaying the cell's value ({valueType?.Name ?? "null"}) failed: {inner.GetType().Name}: {inner.Message}", inner);

/// <summary>Runs (or only compiles) the C# submissions of one notebook in order, keeping variables between cells.</summary>
public sealed class ScriptSession
{
    /// <summary>The namespaces the Polyglot C# kernel imports by default.</summary>
    public static readonly ImmutableArray<string> PolyglotUsings =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    private ScriptOptions _options;
    private ScriptState<object>? _state;
    private readonly Script<object> _prelude;
    private Script<object> _lastCompiled;

    /// <summary>Creates a session whose relative <c>#r</c> paths resolve against <paramref name="baseDirectory"/>.</summary>
    public ScriptSession(string baseDirectory)
    {
        ConsoleRouter.Install();
        var imports = PolyglotUsings.Concat(["ZslKit.Notebooks.Scripting"]);
        _options = ScriptOptions.Default
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithImports(imports)
            .AddReferences(typeof(Enumerable).Assembly, typeof(Formatter).Assembly, typeof(ScriptSession).Assembly,
                typeof(Microsoft.AspNetCore.Html.IHtmlContent).Assembly)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory)
                .WithSearchPaths(baseDirectory))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, baseDirectory))
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Debug);
        // Our stand-ins for the kernel helpers (display, x.Display()) come in through a first, hidden submission, the way
        // Polyglot brings in its own: ScriptOptions imports cannot be "using static".
        _prelude = _lastCompiled = CSharpScript.Create(Prelude, _options.WithFilePath("prelude"));
    }

    /// <summary>Adds assembly files (from <c>#r "nuget: ..."</c>) to every later submission.</summary>
    public void AddReferences(IEnumerable<string> paths) =>
        _options = _options.AddReferences(paths.Select(p => MetadataReference.CreateFromFile(p)));

    /// <summary>
    /// Compiles <paramref name="code"/> as the next submission; throws <see cref="CellCompilationException"/> on errors.
    /// The submission's file name is "cell{number}" so stack traces name the cell.
    /// </summary>
    public Script<object> Compile(string code, int cellNumber)
    {
        var options = _options.WithFilePath(FileName(cellNumber));
        var previous = _state?.Script ?? _lastCompiled;
        var script = previous.ContinueWith(code, options);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
        {
            var pos = d.Location.GetLineSpan().StartLinePosition;
            return new CellCompileError(pos.Line + 1, pos.Character + 1, $"error {d.Id}: {d.GetMessage()}");
        }).ToList();
        if (errors.Count > 0) throw new CellCompilationException(errors);
        _lastCompiled = script;
        return script;
    }

    /// <summary>Runs a compiled submission; returns the exception it threw (state is kept either way, as in Polyglot).</summary>
    public async Task<Exception?> RunAsync(Script<object> script, CellOutputs outputs, int executionCount)
    {
        _state ??= await _prelude.RunAsync();
        _state = await script.RunFromAsync(_state, catchException: _ => true);
        if (_state.Exception is not null || !HasValue(script)) return _state.Exception;
        try
        {
            outputs.AddResult(_state.ReturnValue, executionCount);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A formatter that throws (e.g. a figure's HTML) fails this cell like an exception in its code would, with the
            // error in the notebook, instead of ending the process and losing the cells after it.
            return new CellDisplayException(_state.ReturnValue?.GetType(), e);
        }
        return null;
    }

    /// <summary>The submission file name of a cell.</summary>
    public static string FileName(int cellNumber) => $"cell{cellNumber}";

    private const string Prelude = "using static ZslKit.Notebooks.Scripting.NotebookKernel;";

    /// <summary>True when the submission ends in an expression with a value (no semicolon, not void).</summary>
    private static bool HasValue(Script<object> script)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.LastOrDefault();
        if (tree?.GetRoot() is not CompilationUnitSyntax root) return false;
        if (root.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax stmt } ||
            !stmt.SemicolonToken.IsMissing) return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(stmt.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    /// <summary>Cell-relative locations of an exception: (cell number, line) for each frame inside a cell, innermost first.</summary>
    public static IReadOnlyList<(int Cell, int Line, string Method)> CellFrames(Exception e)
    {
        var frames = new StackTrace(e, fNeedFileInfo: true).GetFrames();
        var result = new List<(int, int, string)>();
        foreach (var f in frames)
        {
            var file = Path.GetFileName(f.GetFileName());
            if (file is null || !file.StartsWith("cell", StringComparison.Ordinal) || !int.TryParse(file.AsSpan(4), out var cell)) continue;
            result.Add((cell, f.GetFileLineNumber(), f.GetMethod()?.Name ?? "?"));
        }
        return result;
    }

    /// <summary>A readable traceback: the exception line, then frames with cell-relative lines; scripting plumbing left out.</summary>
    public static IReadOnlyList<string> Traceback(Exception e)
    {
        var lines = new List<string>();
        for (var ex = e; ex is not null; ex = ex.InnerException)
        {
            lines.Add(ex == e ? $"{ex.GetType().FullName}: {ex.Message}" : $" ---> {ex.GetType().FullName}: {ex.Message}");
            foreach (var f in new StackTrace(ex, fNeedFileInfo: true).GetFrames())
            {
                var method = f.GetMethod();
                var type = method?.DeclaringType;
                var file = Path.GetFileName(f.GetFileName());
                if (file is not null && file.StartsWith("cell", StringComparison.Ordinal))
                {
                    var name = type?.Name.StartsWith("Submission#", StringComparison.Ordinal) == true ? "<cell code>" : $"{type?.Name}.{method?.Name}";
                    if (name.Contains("<<Initialize>>", StringComparison.Ordinal)) name = "<cell code>";
                    lines.Add($"   at {name} in cell {file[4..]}, line {f.GetFileLineNumber()}");
                }
                else if (type?.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) != true &&
                         type?.Namespace?.StartsWith("ZslKit.Notebooks", StringComparison.Ordinal) != true &&
                         type?.Namespace?.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal) != true &&
                         method is not null)
                {
                    lines.Add($"   at {type?.FullName}.{method.Name}");
                }
            }
        }
        return lines;
    }
}
