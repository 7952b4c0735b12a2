// Runs one notebook headless the way VS Code Polyglot Notebooks would: cells in order in one C# script state, outputs written
// into the document as Polyglot writes them, stopping at the first failing cell (the partial notebook is still written).
using System.Diagnostics;
using System.Text.Json.Nodes;
using ZslKit.Notebooks.Scripting;

namespace ZslKit.Notebooks;

/// <summary>Executes (or, with <see cref="NotebookRunOptions.CheckOnly"/>, compiles) one notebook in this process.</summary>
public static class NotebookRunner
{
    /// <summary>Runs the notebook at <paramref name="path"/>; never throws for notebook problems (see the result's exit code).</summary>
    public static async Task<NotebookRunResult> RunAsync(string path, NotebookRunOptions options)
    {
        Notebook notebook;
        try
        {
            notebook = Notebook.Load(path);
            ParameterInjector.Inject(notebook, options.Parameters);
        }
        catch (Exception e) when (e is NotebookFormatException or ParameterException)
        {
            options.Log?.WriteLine($"zsl notebooks: {e.Message}");
            return new NotebookRunResult(path, null, 2, [], [], e.Message);
        }
        return await RunAsync(notebook, path, options);
    }

    /// <summary>Runs an already loaded (and parameter-injected) notebook; relative paths resolve against <paramref name="path"/>'s folder.</summary>
    public static async Task<NotebookRunResult> RunAsync(Notebook notebook, string path, NotebookRunOptions options)
    {
        var log = options.Log;
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (options.ChangeDirectory) Directory.SetCurrentDirectory(baseDir);
        notebook.NormalizePolyglotMetadata();
        if (!options.CheckOnly) notebook.ClearOutputs();
        var defaultKernel = notebook.DefaultKernelName;
        var session = new ScriptSession(baseDir);
        var resolver = new NuGetResolver(options.NuGetCacheDirectory ?? NuGetResolver.DefaultCacheDirectory);
        var failures = new List<NotebookFailure>();
        var timings = new List<CellTiming>();
        var executionCount = 0;

        var codeCells = notebook.Cells.Where(c => c.IsCode && !string.IsNullOrWhiteSpace(c.Source)).ToList();
        var ordinal = 0;
        if (options.SaveAfterEachCell && options.OutputPath is { } first && !options.CheckOnly) notebook.Save(first);
        foreach (var cell in codeCells)
        {
            if (failures.Count > 0 && !options.KeepGoing) break;
            options.OnCellStarting?.Invoke(cell, ++ordinal, codeCells.Count);
            var outputs = new CellOutputs();
            var watch = Stopwatch.StartNew();
            if (!options.CheckOnly) cell.Json["execution_count"] = ++executionCount;
            var failure = await RunCellAsync(cell, defaultKernel, session, resolver, outputs, executionCount, options.CheckOnly);
            watch.Stop();
            timings.Add(new CellTiming(cell.Number, watch.Elapsed.TotalMilliseconds));
            if (!options.CheckOnly) cell.Json["outputs"] = new JsonArray(outputs.Items.Select(o => (JsonNode)o).ToArray());
            if (options.SaveAfterEachCell && options.OutputPath is { } partial && !options.CheckOnly) notebook.Save(partial);
            if (failure is null) continue;
            failures.Add(failure);
            log?.WriteLine($"{path}: {failure.Describe()}");
        }

        if (options.OutputPath is { } output && !options.CheckOnly) notebook.Save(output);
        return new NotebookRunResult(path, options.CheckOnly ? null : options.OutputPath, failures.Count == 0 ? 0 : 1, failures, timings);
    }

    private static async Task<NotebookFailure?> RunCellAsync(NotebookCell cell, string defaultKernel, ScriptSession session,
        NuGetResolver resolver, CellOutputs outputs, int executionCount, bool checkOnly)
    {
        var previous = CellOutputs.Current;
        CellOutputs.Current = outputs;
        try
        {
            var plan = CellDirectives.Parse(cell.Source, cell.KernelName ?? defaultKernel);
            if (plan.Packages.Count > 0)
            {
                try
                {
                    session.AddReferences(resolver.Resolve(plan.Packages, plan.PackageSources));
                }
                catch (InvalidOperationException e)
                {
                    var line = plan.Packages[0].Line;
                    outputs.AddError("NuGetRestoreError", e.Message, [e.Message]);
                    return new NotebookFailure(cell.Number, cell.Id, line, null, "nuget", e.Message);
                }
            }
            foreach (var submission in plan.Submissions)
            {
                if (submission.Kernel != "csharp")
                {
                    if (!checkOnly) outputs.AddRaw(submission.Kernel == "html" ? "text/html" : "text/markdown", submission.Code);
                    continue;
                }
                if (string.IsNullOrWhiteSpace(submission.Code)) continue;
                var script = session.Compile(submission.Code, cell.Number);
                if (checkOnly) continue;
                if (await session.RunAsync(script, outputs, executionCount) is { } error)
                {
                    outputs.AddError(error.GetType().FullName ?? error.GetType().Name, error.Message, ScriptSession.Traceback(error));
                    var frames = ScriptSession.CellFrames(error);
                    var here = frames.FirstOrDefault(f => f.Cell == cell.Number);
                    int? line = here.Cell == cell.Number ? here.Line : null;
                    return new NotebookFailure(cell.Number, cell.Id, line, null, "runtime", $"{error.GetType().FullName}: {error.Message}");
                }
            }
            return null;
        }
        catch (CellDirectiveException e)
        {
            outputs.AddError("UnsupportedMagicCommand", e.Message, [$"{e.Message} (cell {cell.Number})"]);
            return new NotebookFailure(cell.Number, cell.Id, e.Line, null, "directive", e.Message);
        }
        catch (CellCompilationException e)
        {
            outputs.AddError("CompilationError", e.Message, e.Errors.Select(x => x.Text));
            // The failure names the first error's position itself, so its text starts after it; later errors keep theirs.
            var first = e.Errors[0];
            var message = string.Join("\n", [first.Error, .. e.Errors.Skip(1).Select(x => x.Text)]);
            return new NotebookFailure(cell.Number, cell.Id, first.Line, first.Column, "compile", message);
        }
        finally
        {
            CellOutputs.Current = previous;
        }
    }
}
