using System.Text.Json.Nodes;
using ZslKit.Testing;

namespace ZslKit.Notebooks.Tests;

public class NotebookBatchTests
{
    private static string CopyFixtures(params string[] names)
    {
        var folder = Directory.CreateTempSubdirectory("zsl-batch-").FullName;
        foreach (var n in names) File.Copy(RepoPaths.Fixture("notebooks", n), Path.Combine(folder, n));
        return folder;
    }

    [Fact]
    public async Task Hung_notebook_is_killed_at_the_timeout_with_a_message_naming_the_cell()
    {
        var folder = CopyFixtures("hang.ipynb");
        var jobs = NotebookBatch.Plan([Path.Combine(folder, "hang.ipynb")], folder, Path.Combine(folder, "out"));
        var batch = new NotebookBatch(ZslProcess.Worker, new NotebookBatchOptions { Timeout = TimeSpan.FromSeconds(30) });
        var result = Assert.Single(await batch.RunAsync(jobs, cancel: TestContext.Current.CancellationToken));
        Assert.True(result.TimedOut);
        Assert.Equal(NotebookBatch.TimeoutExitCode, result.ExitCode);
        Assert.Contains("timed out after 30 s while running code cell 2", result.Message);
        // the partial notebook written after cell 1 survives the kill
        var partial = JsonNode.Parse(File.ReadAllText(jobs[0].Output))!;
        Assert.Equal("started\n", FixtureRun.Text(partial["cells"]![0]!["outputs"]![0]!["text"]));
    }

    [Fact]
    public void Cli_exits_1_naming_notebook_cell_and_line_and_keeps_the_partial_notebook()
    {
        var folder = CopyFixtures("success.ipynb", "compile-error.ipynb");
        var (code, stdout, stderr) = ZslProcess.Run(folder, "notebooks", "run", ".", "--out", "out", "-j", "2");
        Assert.Equal(1, code);
        Assert.Contains("compile-error.ipynb: cell 2 (id c02), line 2, column 12", stderr);
        Assert.Contains("1 passed, 1 failed", stdout);
        Assert.True(File.Exists(Path.Combine(folder, "out", "success.ipynb")));
        var partial = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "out", "compile-error.ipynb")))!;
        Assert.Equal("error", (string?)partial["cells"]![1]!["outputs"]![0]!["output_type"]);
    }

    [Fact]
    public void Cli_exits_2_on_an_unknown_parameter_before_running_anything()
    {
        var folder = CopyFixtures("parameters.ipynb");
        var (code, _, stderr) = ZslProcess.Run(folder, "notebooks", "run", "parameters.ipynb", "--param", "nope=1", "--out", "out");
        Assert.Equal(2, code);
        Assert.Contains("parameter 'nope' is not declared", stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    /// <summary>A folder holding <paramref name="name"/>: a notebook of the given cells (JSON array text).</summary>
    private static string WriteNotebook(string name, string cells)
    {
        var folder = Directory.CreateTempSubdirectory("zsl-batch-").FullName;
        File.WriteAllText(Path.Combine(folder, name), $"{{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {{}}, \"cells\": {cells}}}");
        return folder;
    }

    private const string OneCell = "[{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": [\"var x = 1;\"]}]";

    [Fact]
    public void Cli_exits_2_on_a_null_cell_naming_the_file_and_cell_before_running_anything()
    {
        var folder = WriteNotebook("nullcell.ipynb", "[null]");
        try
        {
            var (code, stdout, stderr) = ZslProcess.Run(folder, "notebooks", "run", "nullcell.ipynb", "--check");
            Assert.Equal(2, code);
            Assert.Equal($"zsl notebooks: {Path.Combine(folder, "nullcell.ipynb")}: cell 1 (cells[0]) is null, not a JSON object", stderr.Trim());
            Assert.DoesNotContain("checking", stdout);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Cli_exits_2_when_out_is_a_file_before_running_anything()
    {
        var folder = WriteNotebook("ok.ipynb", OneCell);
        try
        {
            File.WriteAllText(Path.Combine(folder, "FILE"), "keep");
            var (code, stdout, stderr) = ZslProcess.Run(folder, "notebooks", "run", "ok.ipynb", "--out", "FILE");
            Assert.Equal(2, code);
            Assert.Equal("zsl notebooks: --out FILE is a file, not a folder", stderr.Trim());
            Assert.DoesNotContain("executed notebooks in", stdout);
            Assert.Equal("keep", File.ReadAllText(Path.Combine(folder, "FILE")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData("--timeout", "0", "--timeout must be at least 1 (seconds), got 0")]
    [InlineData("--timeout", "-5", "--timeout must be at least 1 (seconds), got -5")]
    [InlineData("-j", "0", "--parallel must be at least 1, got 0")]
    [InlineData("-j", "-3", "--parallel must be at least 1, got -3")]
    public void Cli_exits_2_for_a_timeout_or_parallelism_below_1_naming_the_option(string option, string value, string message)
    {
        var folder = WriteNotebook("ok.ipynb", OneCell);
        try
        {
            var (code, _, stderr) = ZslProcess.Run(folder, "notebooks", "run", "ok.ipynb", "--check", option, value);
            Assert.Equal(2, code);
            Assert.Equal($"zsl notebooks: {message}", stderr.Trim());
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public async Task A_check_that_times_out_names_no_partial_notebook()
    {
        var folder = WriteNotebook("ok.ipynb", OneCell);
        try
        {
            var jobs = NotebookBatch.Plan([Path.Combine(folder, "ok.ipynb")], folder, Path.Combine(folder, "out"));
            var batch = new NotebookBatch(ZslProcess.Worker, new NotebookBatchOptions { CheckOnly = true, Timeout = TimeSpan.FromMilliseconds(1) });
            var result = Assert.Single(await batch.RunAsync(jobs, cancel: TestContext.Current.CancellationToken));
            Assert.True(result.TimedOut);
            Assert.EndsWith("; the process was killed", result.Message);
            Assert.False(Directory.Exists(Path.Combine(folder, "out")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Reproduce_refused_for_an_undeclared_parameter_exits_2_and_keeps_the_previous_executed_notebooks()
    {
        var folder = Directory.CreateTempSubdirectory("zsl-reproduce-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "notebooks"));
            File.Copy(RepoPaths.Fixture("notebooks", "parameters.ipynb"), Path.Combine(folder, "notebooks", "params.ipynb"));
            var previous = Path.Combine(folder, "artifacts", "notebooks", "old.ipynb");
            Directory.CreateDirectory(Path.GetDirectoryName(previous)!);
            File.WriteAllText(previous, "earlier run");
            var (code, stdout, stderr) = ZslProcess.Run(folder, "reproduce", "-p", "nosuch=1");
            Assert.Equal(2, code);
            Assert.StartsWith($"zsl reproduce: {Path.Combine(folder, "notebooks", "params.ipynb")}: parameter 'nosuch' is not declared", stderr);
            Assert.Equal("earlier run", File.ReadAllText(previous));
            Assert.Empty(stdout);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Reproduce_keeps_the_previous_executed_notebooks_aside_after_a_failed_run_and_deletes_them_after_a_good_one()
    {
        var folder = Directory.CreateTempSubdirectory("zsl-reproduce-").FullName;
        try
        {
            var notebooks = Path.Combine(folder, "notebooks");
            Directory.CreateDirectory(notebooks);
            File.Copy(RepoPaths.Fixture("notebooks", "compile-error.ipynb"), Path.Combine(notebooks, "bad.ipynb"));
            var old = Path.Combine(folder, "artifacts", "notebooks", "old.ipynb");
            Directory.CreateDirectory(Path.GetDirectoryName(old)!);
            File.WriteAllText(old, "earlier run");
            var plotly = Path.Combine(folder, "plotly.min.js");
            File.WriteAllText(plotly, "// stand-in bundle");
            var env = new Dictionary<string, string> { ["ZSLKIT_PLOTLY_JS"] = plotly };

            var (failed, _, stderr) = ZslProcess.RunWith(env, folder, "reproduce");
            Assert.Equal(1, failed);
            var aside = Path.Combine(folder, "artifacts", "notebooks.previous");
            Assert.Contains($"zsl reproduce: the executed notebooks from before this run are kept in {aside}", stderr);
            Assert.Equal("earlier run", File.ReadAllText(Path.Combine(aside, "old.ipynb")));
            Assert.True(File.Exists(Path.Combine(folder, "artifacts", "notebooks", "bad.ipynb")));

            File.Delete(Path.Combine(notebooks, "bad.ipynb"));
            File.WriteAllText(Path.Combine(notebooks, "ok.ipynb"),
                $"{{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {{}}, \"cells\": {OneCell}}}");
            var (ok, _, err2) = ZslProcess.RunWith(env, folder, "reproduce");
            Assert.True(ok == 0, err2);
            Assert.False(Directory.Exists(aside));
            Assert.Equal(["ok.ipynb"], Directory.GetFiles(Path.Combine(folder, "artifacts", "notebooks")).Select(Path.GetFileName));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Discover_finds_notebooks_recursively_in_order_and_rejects_missing_paths()
    {
        var folder = CopyFixtures("success.ipynb", "hang.ipynb");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.Copy(Path.Combine(folder, "hang.ipynb"), Path.Combine(folder, "sub", "a.ipynb"));
        var found = NotebookBatch.Discover([folder]).Select(p => Path.GetRelativePath(folder, p)).ToList();
        Assert.Equal(["hang.ipynb", Path.Combine("sub", "a.ipynb"), "success.ipynb"], found);
        Assert.Throws<FileNotFoundException>(() => NotebookBatch.Discover([Path.Combine(folder, "missing.ipynb")]));
        var jobs = NotebookBatch.Plan([Path.Combine(folder, "sub", "a.ipynb")], folder, "/o");
        Assert.Equal(Path.Combine("/o", "sub", "a.ipynb"), jobs[0].Output);
    }

    [Fact]
    public void A_failed_workers_message_keeps_the_exception_line_above_a_long_stack_trace()
    {
        string[] log =
        [
            "Unhandled exception. System.IO.FileNotFoundException: plotly.min.js not found",
            .. Enumerable.Range(1, 30).Select(i => $"   at Frame{i}()"),
            "--- End of stack trace from previous location ---",
            "   at Outer1()",
            "   at Outer2()",
        ];
        var tail = NotebookBatch.FailureTail(log);
        Assert.Equal(log[0], tail[0]);
        Assert.Equal(["   at Frame1()", "   at Frame2()", "   at Frame3()", "   at Frame4()", "   at Frame5()", "   ... (more frames)"], tail.Skip(1).Take(6));
        Assert.Equal(["--- End of stack trace from previous location ---", "   at Outer1()", "   at Outer2()"], tail.Skip(7));
        Assert.Equal(20, NotebookBatch.FailureTail(Enumerable.Range(1, 50).Select(i => $"line {i}")).Count);
        Assert.Equal("line 50", NotebookBatch.FailureTail(Enumerable.Range(1, 50).Select(i => $"line {i}"))[^1]);
    }

    [Fact]
    public void Relative_path_variables_reach_the_workers_as_absolute_paths_from_where_the_command_ran()
    {
        var env = new Dictionary<string, string?>
        {
            ["ZSLKIT_RUNS"] = "results/runs/x",
            ["ZSLKIT_SHARED_DATA"] = "/abs/data",
            ["ZSLKIT_PLOTLY_JS"] = "",
            ["HOME"] = "relative-but-not-ours",
        };
        var changed = NotebookBatch.AbsolutePathVariables(n => env.GetValueOrDefault(n)).ToList();
        var (name, value) = Assert.Single(changed);
        Assert.Equal("ZSLKIT_RUNS", name);
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "results", "runs", "x"), value);
    }
}
