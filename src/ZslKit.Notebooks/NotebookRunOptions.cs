// Options and results of one notebook run.
namespace ZslKit.Notebooks;

/// <summary>How to run one notebook.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Papermill-style values for the "parameters" cell (name, value as text).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>Where the executed notebook is written; null writes nothing.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Run the cells after a failing cell too (the run still fails).</summary>
    public bool KeepGoing { get; init; }

    /// <summary>Compile every cell against the earlier ones without running anything (fast CI gate); writes no output.</summary>
    public bool CheckOnly { get; init; }

    /// <summary>Make the notebook's folder the working directory, as Polyglot does (process-wide: only for one run per process).</summary>
    public bool ChangeDirectory { get; init; }

    /// <summary>Where restores for <c>#r "nuget: ..."</c> are generated and cached; null uses ~/.cache/zslkit/nuget.</summary>
    public string? NuGetCacheDirectory { get; init; }

    /// <summary>Write the partial notebook after every cell (so a killed run still leaves what it did).</summary>
    public bool SaveAfterEachCell { get; init; }

    /// <summary>Called before each code cell runs with (cell, ordinal among code cells, number of code cells).</summary>
    public Action<NotebookCell, int, int>? OnCellStarting { get; init; }

    /// <summary>Progress and failure messages (one line each); null is silent.</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>Why a cell failed: its 1-based number and id, the cell-relative line/column when known, and the message.</summary>
public sealed record NotebookFailure(int Cell, string? CellId, int? Line, int? Column, string Kind, string Message)
{
    /// <summary>"cell 4 (id 3f2a...), line 2: message".</summary>
    public string Describe() =>
        $"cell {Cell}{(CellId is null ? "" : $" (id {CellId})")}{(Line is null ? "" : $", line {Line}")}{(Column is null ? "" : $", column {Column}")}: {Message}";
}

/// <summary>Milliseconds spent in one code cell.</summary>
public sealed record CellTiming(int Cell, double Milliseconds);

/// <summary>The outcome of a run. Exit codes: 0 success, 1 a cell failed, 2 the notebook or its parameters are invalid.</summary>
public sealed record NotebookRunResult(
    string NotebookPath,
    string? OutputPath,
    int ExitCode,
    IReadOnlyList<NotebookFailure> Failures,
    IReadOnlyList<CellTiming> Timings,
    string? Error = null)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>One line for logs: "path: ok (5 cells)" or "path: cell 3 ..., line 2: ...".</summary>
    public string Summary => ExitCode switch
    {
        0 => $"{NotebookPath}: ok ({Timings.Count} code cells)",
        2 => $"{NotebookPath}: {Error}",
        _ => $"{NotebookPath}: {Failures.FirstOrDefault()?.Describe() ?? Error}",
    };
}
