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

    /// <summary>A temp folder to run `zsl reproduce` in: notebooks/, artifacts/ and a stand-in plotly bundle (so runs stay fast).</summary>
    private sealed class ReproduceSandbox : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("zsl-reproduce-").FullName;
        public string Notebooks => Path.Combine(Root, "notebooks");
        public string Artifacts => Path.Combine(Root, "artifacts");
        public string Out => Path.Combine(Artifacts, "notebooks");
        public string Previous => Out + ".previous";
        public string Marker => Path.Combine(Out, ".reproduce-failed");

        public ReproduceSandbox()
        {
            Directory.CreateDirectory(Notebooks);
            File.WriteAllText(Path.Combine(Root, "plotly.min.js"), "// stand-in bundle");
        }

        /// <summary>Makes <paramref name="name"/> the only notebook: one that succeeds, or one with a compile error.</summary>
        public void Only(string name, bool good)
        {
            foreach (var nb in Directory.GetFiles(Notebooks)) File.Delete(nb);
            if (good) File.WriteAllText(Path.Combine(Notebooks, name), $"{{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {{}}, \"cells\": {OneCell}}}");
            else File.Copy(RepoPaths.Fixture("notebooks", "compile-error.ipynb"), Path.Combine(Notebooks, name));
        }

        public (int Code, string Stdout, string Stderr) Run(params string[] args) =>
            ZslProcess.RunWith(new Dictionary<string, string> { ["ZSLKIT_PLOTLY_JS"] = Path.Combine(Root, "plotly.min.js") }, Root, args);

        /// <summary>The file names directly in <paramref name="dir"/>, sorted (none when it does not exist).</summary>
        public static string[] Files(string dir) =>
            Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)] : [];

        /// <summary>The folders that deletions renamed aside and did not finish deleting.</summary>
        public string[] Leftovers => Directory.GetDirectories(Artifacts, "notebooks.deleting-*");

        /// <summary>Every file under artifacts/ with its text, to compare before and after a run.</summary>
        public string Snapshot() => string.Join("\n", Directory.GetFiles(Artifacts, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Select(f => $"{Path.GetRelativePath(Artifacts, f)}={File.ReadAllText(f)}"));

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    [Fact]
    public void Reproduce_keeps_the_last_good_notebooks_through_failed_runs_and_deletes_them_after_a_good_one()
    {
        using var box = new ReproduceSandbox();
        Directory.CreateDirectory(box.Out);
        File.WriteAllText(Path.Combine(box.Out, "old.ipynb"), "earlier run");
        box.Only("bad.ipynb", good: false);

        var (failed, _, stderr) = box.Run("reproduce");
        Assert.Equal(1, failed);
        Assert.Contains($"zsl reproduce: the executed notebooks from before this run are kept in {box.Previous}", stderr);
        Assert.Equal("earlier run", File.ReadAllText(Path.Combine(box.Previous, "old.ipynb")));
        Assert.Equal([".reproduce-failed", "bad.ipynb"], ReproduceSandbox.Files(box.Out));
        Assert.StartsWith("zsl reproduce failed at ", File.ReadAllText(box.Marker));
        Assert.Contains($"failed: {Path.Combine(box.Notebooks, "bad.ipynb")}\n", File.ReadAllText(box.Marker));

        // A second failure replaces the failed output; the good one before it stays.
        box.Only("bad2.ipynb", good: false);
        var (failedAgain, _, err2) = box.Run("reproduce");
        Assert.Equal(1, failedAgain);
        Assert.Equal(["old.ipynb"], ReproduceSandbox.Files(box.Previous));
        Assert.Equal([".reproduce-failed", "bad2.ipynb"], ReproduceSandbox.Files(box.Out));
        Assert.Empty(box.Leftovers);

        box.Only("ok.ipynb", good: true);
        var (ok, _, err3) = box.Run("reproduce");
        Assert.True(ok == 0, err3);
        Assert.False(Directory.Exists(box.Previous));
        Assert.Equal(["ok.ipynb"], ReproduceSandbox.Files(box.Out));
        Assert.Empty(box.Leftovers);
    }

    [Fact]
    public void Reproduce_after_a_good_run_moves_it_aside_and_deletes_it_when_the_new_run_succeeds()
    {
        using var box = new ReproduceSandbox();
        box.Only("first.ipynb", good: true);
        var (first, _, err1) = box.Run("reproduce");
        Assert.True(first == 0, err1);
        Assert.Equal(["first.ipynb"], ReproduceSandbox.Files(box.Out));

        box.Only("second.ipynb", good: true);
        var (second, stdout, err2) = box.Run("reproduce");
        Assert.True(second == 0, err2);
        Assert.Equal(["second.ipynb"], ReproduceSandbox.Files(box.Out));
        Assert.False(Directory.Exists(box.Previous));
        Assert.Empty(box.Leftovers);
        Assert.Empty(err2);
        Assert.Contains("zsl reproduce: 1 notebook page(s)", stdout);
    }

    [Fact]
    public void Reproduce_cut_off_while_deleting_keeps_the_good_notebooks_and_removes_the_half_deleted_folder()
    {
        // A run that succeeded and was killed while deleting the folder before it: its output is in place, a half-deleted
        // folder is left aside. A failing run then must keep that output.
        using var box = new ReproduceSandbox();
        Directory.CreateDirectory(box.Out);
        File.WriteAllText(Path.Combine(box.Out, "good.ipynb"), "good run");
        var trash = Path.Combine(box.Artifacts, "notebooks.deleting-0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(trash, "sub"));
        File.WriteAllText(Path.Combine(trash, "sub", "half.ipynb"), "half deleted");
        box.Only("bad.ipynb", good: false);

        var (failed, _, stderr) = box.Run("reproduce");
        Assert.Equal(1, failed);
        Assert.Empty(box.Leftovers);
        Assert.Equal("good run", File.ReadAllText(Path.Combine(box.Previous, "good.ipynb")));
        Assert.Equal([".reproduce-failed", "bad.ipynb"], ReproduceSandbox.Files(box.Out));
        Assert.DoesNotContain("warning", stderr);
    }

    [Fact]
    public void Reproduce_refused_after_a_failed_run_changes_nothing()
    {
        using var box = new ReproduceSandbox();
        File.Copy(RepoPaths.Fixture("notebooks", "parameters.ipynb"), Path.Combine(box.Notebooks, "params.ipynb"));
        Directory.CreateDirectory(box.Out);
        File.WriteAllText(Path.Combine(box.Out, "bad.ipynb"), "failed run");
        File.WriteAllText(box.Marker, "zsl reproduce failed at 2026-01-01\n");
        Directory.CreateDirectory(box.Previous);
        File.WriteAllText(Path.Combine(box.Previous, "old.ipynb"), "good run");
        Directory.CreateDirectory(Path.Combine(box.Artifacts, "notebooks.deleting-0123456789abcdef"));
        File.WriteAllText(Path.Combine(box.Artifacts, "notebooks.deleting-0123456789abcdef", "half.ipynb"), "half deleted");
        var before = box.Snapshot();

        var (code, stdout, stderr) = box.Run("reproduce", "-p", "nosuch=1");
        Assert.Equal(2, code);
        Assert.StartsWith($"zsl reproduce: {Path.Combine(box.Notebooks, "params.ipynb")}: parameter 'nosuch' is not declared", stderr);
        Assert.Empty(stdout);
        Assert.Equal(before, box.Snapshot());
    }

    [Fact]
    public void Reproduce_keeps_good_notebooks_from_notebooks_run_and_deletes_only_the_stale_previous()
    {
        using var box = new ReproduceSandbox();
        Directory.CreateDirectory(box.Previous);
        File.WriteAllText(Path.Combine(box.Previous, "stale.ipynb"), "older run");
        box.Only("ok.ipynb", good: true);
        var (ran, _, err1) = box.Run("notebooks", "run", "notebooks", "--out", "artifacts/notebooks");
        Assert.True(ran == 0, err1);

        box.Only("bad.ipynb", good: false);
        var (failed, _, stderr) = box.Run("reproduce");
        Assert.Equal(1, failed);
        Assert.Equal(["ok.ipynb"], ReproduceSandbox.Files(box.Previous));
        Assert.Equal([".reproduce-failed", "bad.ipynb"], ReproduceSandbox.Files(box.Out));
        Assert.Empty(box.Leftovers);
        Assert.DoesNotContain("warning", stderr);
    }

    [Fact]
    public void Reproduce_that_cannot_delete_the_previous_notebooks_warns_and_still_builds_the_report()
    {
        using var box = new ReproduceSandbox();
        Directory.CreateDirectory(box.Out);
        var locked = Path.Combine(box.Out, "locked");
        Directory.CreateDirectory(locked);
        File.WriteAllText(Path.Combine(locked, "kept.txt"), "cannot be deleted");
        if (!Undeletable(locked, true)) Assert.Skip("cannot make a folder undeletable here (needs chattr as root, or a non-root user)");
        try
        {
            box.Only("ok.ipynb", good: true);
            var (code, stdout, stderr) = box.Run("reproduce");
            Assert.True(code == 0, stderr);
            var trash = Assert.Single(box.Leftovers);
            Assert.StartsWith($"zsl reproduce: warning: could not delete {trash}: ", stderr);
            Assert.EndsWith("(the next run tries again)", stderr.TrimEnd());
            Assert.False(Directory.Exists(box.Previous));
            Assert.Equal(["ok.ipynb"], ReproduceSandbox.Files(box.Out));
            Assert.True(File.Exists(Path.Combine(box.Artifacts, "report", "index.html")));
            Assert.Contains("zsl reproduce: 1 notebook page(s)", stdout);
        }
        finally
        {
            foreach (var dir in Directory.GetDirectories(box.Artifacts, "locked", SearchOption.AllDirectories)) Undeletable(dir, false);
        }
    }

    [Fact]
    public void Reproduce_that_cannot_move_the_last_notebooks_aside_exits_1_naming_the_folder_and_runs_nothing()
    {
        using var box = new ReproduceSandbox();
        Directory.CreateDirectory(box.Out);
        File.WriteAllText(Path.Combine(box.Out, "good.ipynb"), "good run");
        box.Only("ok.ipynb", good: true);
        var before = box.Snapshot();
        if (!Undeletable(box.Artifacts, true)) Assert.Skip("cannot make a folder read-only here (needs chattr as root, or a non-root user)");
        try
        {
            var (code, stdout, stderr) = box.Run("reproduce");
            Assert.Equal(1, code);
            Assert.StartsWith($"zsl reproduce: cannot set aside the executed notebooks in {box.Out}: ", stderr);
            Assert.Single(stderr.TrimEnd().Split('\n'));
            Assert.Empty(stdout);
        }
        finally { Undeletable(box.Artifacts, false); }
        Assert.Equal(before, box.Snapshot());
        Assert.False(Directory.Exists(box.Previous));
    }

    /// <summary>Makes the entries of <paramref name="dir"/> undeletable (chattr +i as root, else read-only), or undoes it;
    /// false when that is not possible here.</summary>
    private static bool Undeletable(string dir, bool on)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            if (Environment.UserName != "root")
            {
                File.SetUnixFileMode(dir, on ? UnixFileMode.UserRead | UnixFileMode.UserExecute
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return true;
            }
            using var chattr = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [on ? "+i" : "-i", dir])
                { RedirectStandardError = true })!;
            chattr.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no chattr
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
