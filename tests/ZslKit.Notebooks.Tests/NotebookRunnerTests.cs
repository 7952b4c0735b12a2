using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ZslKit.Notebooks.Tests;

public class NotebookRunnerTests
{
    private static string Text(JsonNode? n) => FixtureRun.Text(n);

    /// <summary>The run's only failure, after checking that the run failed (exit code 1).</summary>
    private static NotebookFailure OnlyFailure(FixtureRun run)
    {
        Assert.Equal(1, run.Result.ExitCode);
        return Assert.Single(run.Result.Failures);
    }

    [Fact]
    public async Task Success_notebook_writes_stream_display_and_execute_result_outputs()
    {
        var run = await FixtureRun.RunAsync("success.ipynb");
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Empty(run.Result.Failures);

        // cell 1 is markdown: untouched, no outputs key added
        Assert.Equal("markdown", (string?)run.Cell(1)["cell_type"]);
        Assert.Null(run.Cell(1)["outputs"]);

        var c2 = run.Outputs(2);
        Assert.Equal(2, c2.Count);
        Assert.Equal("stream", (string?)c2[0]!["output_type"]);
        Assert.Equal("stdout", (string?)c2[0]!["name"]);
        Assert.Equal("sum=6\n", Text(c2[0]!["text"]));
        Assert.Equal("stderr", (string?)c2[1]!["name"]);
        Assert.Equal("warn\n", Text(c2[1]!["text"]));
        Assert.Equal(1, (int?)run.Cell(2)["execution_count"]);

        var c3 = run.Outputs(3);
        Assert.Equal(["display_data", "display_data", "execute_result"], c3.Select(o => (string?)o!["output_type"]));
        Assert.Equal("shown", Text(c3[0]!["data"]!["text/plain"]));
        Assert.Equal("also shown", Text(c3[1]!["data"]!["text/plain"]));
        Assert.Equal("6", Text(c3[2]!["data"]!["text/plain"]));
        Assert.Equal(2, (int?)c3[2]!["execution_count"]);

        Assert.Empty(run.Outputs(4));                       // ends with ';' -> no execute_result
        Assert.Equal("6", Text(run.Outputs(5)[0]!["data"]!["text/plain"])); // await at top level, value of Twice(3)
    }

    [Fact]
    public async Task Unknown_metadata_survives_a_run_and_polyglot_metadata_is_kept()
    {
        var run = await FixtureRun.RunAsync("success.ipynb");
        var md = run.Written!["metadata"]!;
        Assert.Equal("me", (string?)md["zslkit"]!["keep"]![0]);
        Assert.Equal(".net-csharp", (string?)md["kernelspec"]!["name"]);
        Assert.Equal("polyglot-notebook", (string?)md["language_info"]!["name"]);
        Assert.Equal("csharp", (string?)md["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
        Assert.Equal(4, (int?)run.Written["nbformat"]);
        Assert.Equal(5, (int?)run.Written["nbformat_minor"]);
        Assert.Equal("c02", (string?)run.Cell(2)["id"]);
    }

    [Fact]
    public async Task Compile_error_stops_the_run_and_reports_cell_relative_line_and_column()
    {
        var run = await FixtureRun.RunAsync("compile-error.ipynb");
        var failure = OnlyFailure(run);
        Assert.Equal(2, failure.Cell);
        Assert.Equal(2, failure.Line);
        Assert.Equal(12, failure.Column);
        Assert.Equal("compile", failure.Kind);
        var error = Assert.Single(run.Outputs(2));
        Assert.Equal("error", (string?)error!["output_type"]);
        Assert.Equal("CompilationError", (string?)error["ename"]);
        Assert.Contains("(line 2, column 12): error CS1525", (string?)error["evalue"]);
        // the partial notebook is written; the cell after the failure did not run
        Assert.Empty(run.Outputs(3));
        Assert.Null(run.Cell(3)["execution_count"]?.GetValue<int?>());
    }

    [Fact]
    public async Task A_compile_error_names_its_position_once()
    {
        var run = await FixtureRun.RunAsync("compile-error.ipynb", new NotebookRunOptions { CheckOnly = true });
        Assert.StartsWith("error CS1525: ", OnlyFailure(run).Message);
        Assert.Contains("cell 2 (id c02), line 2, column 12: error CS1525: ", run.Result.Summary);
        Assert.DoesNotContain("(line 2, column 12)", run.Result.Summary);
    }

    [Fact]
    public async Task Runtime_error_names_the_cell_and_line_and_keeps_earlier_output()
    {
        var run = await FixtureRun.RunAsync("runtime-error.ipynb");
        var failure = OnlyFailure(run);
        Assert.Equal(2, failure.Cell);
        Assert.Equal(3, failure.Line);
        Assert.Contains("runtime-error.ipynb", run.Result.Summary);
        Assert.Contains("cell 2 (id c02), line 3", run.Result.Summary);
        var outs = run.Outputs(2);
        Assert.Equal("before\n", Text(outs[0]!["text"]));
        var error = outs[1]!;
        Assert.Equal("System.InvalidOperationException", (string?)error["ename"]);
        Assert.Equal("boom at line 3", (string?)error["evalue"]);
        var traceback = error["traceback"]!.AsArray().Select(t => (string?)t).ToList();
        Assert.Contains(traceback, t => t!.Contains("in cell 2, line 3"));
        Assert.DoesNotContain(traceback, t => t!.Contains("Microsoft.CodeAnalysis"));
        Assert.Empty(run.Outputs(3));
    }

    [Fact]
    public async Task A_value_whose_formatter_throws_fails_its_cell_with_the_formatters_error_instead_of_ending_the_run()
    {
        var run = await FixtureRun.RunAsync("display-error.ipynb");
        var failure = OnlyFailure(run);
        Assert.Equal(2, failure.Cell);
        var outs = run.Outputs(2);
        Assert.Equal("before\n", Text(outs[0]!["text"]));
        var error = outs[1]!;
        Assert.Equal("ZslKit.Notebooks.Scripting.CellDisplayException", (string?)error["ename"]);
        Assert.Contains("(Boom)", (string?)error["evalue"]);
        Assert.Contains("InvalidOperationException: formatter boom", (string?)error["evalue"]);
        Assert.Empty(run.Outputs(3));
    }

    [Fact]
    public async Task Keep_going_runs_the_cells_after_a_failure_but_still_fails()
    {
        var run = await FixtureRun.RunAsync("runtime-error.ipynb", new NotebookRunOptions { KeepGoing = true });
        Assert.Equal(1, run.Result.ExitCode);
        Assert.Equal("never runs\n", Text(run.Outputs(3)[0]!["text"]));
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell_and_typed_from_declarations()
    {
        var options = new NotebookRunOptions
        {
            Parameters = [new("quick", "true"), new("seed", "42"), new("dataset", "AWA2 \"x\""), new("lr", "0.5")],
        };
        var run = await FixtureRun.RunAsync("parameters.ipynb", options);
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal(3, run.Cells.Count);
        var injected = run.Cell(2);
        Assert.Equal("injected-parameters", (string?)injected["metadata"]!["tags"]![0]);
        var src = Text(injected["source"]);
        Assert.Contains("bool quick = true;", src);
        Assert.Contains("int seed = 42;", src);
        Assert.Contains("string dataset = \"AWA2 \\\"x\\\"\";", src);
        Assert.Contains("double lr = 0.5d;", src);
        Assert.Equal("True|42|AWA2 \"x\"|0.5|cpu\n", Text(run.Outputs(3)[0]!["text"]));
        Assert.True((bool?)run.Cell(1)["metadata"]!["custom"]!["survives"]);
    }

    [Fact]
    public async Task Unknown_parameter_name_exits_2_naming_the_declared_ones()
    {
        var run = await FixtureRun.RunAsync("parameters.ipynb", new NotebookRunOptions { Parameters = [new("sed", "1")] });
        Assert.Equal(2, run.Result.ExitCode);
        Assert.Null(run.Written);
        Assert.Contains("'sed' is not declared", run.Result.Error);
        Assert.Contains("seed", run.Result.Error);
    }

    [Fact]
    public async Task Badly_typed_parameter_value_exits_2()
    {
        var run = await FixtureRun.RunAsync("parameters.ipynb", new NotebookRunOptions { Parameters = [new("seed", "seven")] });
        Assert.Equal(2, run.Result.ExitCode);
        Assert.Contains("'seven' is not a valid int", run.Result.Error);
    }

    [Fact]
    public async Task Markdown_and_html_kernels_display_their_text_and_switch_inside_a_cell()
    {
        var run = await FixtureRun.RunAsync("markdown-html.ipynb");
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal("# Title from a markdown kernel", Text(run.Outputs(1)[0]!["data"]!["text/markdown"]));
        Assert.Equal("<b>bold html</b>", Text(run.Outputs(2)[0]!["data"]!["text/html"]));
        var c3 = run.Outputs(3);
        Assert.Equal("<i>after switch</i>", Text(c3[0]!["data"]!["text/html"]));
        Assert.Equal("4", Text(c3[1]!["data"]!["text/plain"]));
    }

    [Fact]
    public async Task Hash_r_references_a_local_dll_relative_to_the_notebook()
    {
        var run = await FixtureRun.RunAsync("local-dll.ipynb", prepare: folder => BuildFixtureLib(Path.Combine(folder, "FixtureLib.dll")));
        Assert.True(run.Result.ExitCode == 0, run.Result.Summary);
        Assert.Equal("hello dll", Text(run.Outputs(2)[0]!["data"]!["text/plain"]));
    }

    [Fact]
    public async Task Missing_local_dll_is_a_compile_error_on_the_hash_r_line()
    {
        var run = await FixtureRun.RunAsync("local-dll.ipynb");
        var failure = OnlyFailure(run);
        Assert.Equal((1, 1), (failure.Cell, failure.Line));
        Assert.Contains("FixtureLib.dll", failure.Message);
    }

    [Fact]
    public async Task Unknown_magic_command_fails_with_its_cell_line_and_name()
    {
        var run = await FixtureRun.RunAsync("unknown-magic.ipynb");
        var failure = OnlyFailure(run);
        Assert.Equal((2, 2, "directive"), (failure.Cell, failure.Line, failure.Kind));
        Assert.Contains("'#!time'", failure.Message);
        Assert.Equal("UnsupportedMagicCommand", (string?)run.Outputs(2)[0]!["ename"]);
    }

    [Fact]
    public async Task Cell_in_an_unsupported_kernel_fails()
    {
        var run = await FixtureRun.RunAsync("unknown-kernel.ipynb");
        Assert.Equal(1, run.Result.ExitCode);
        Assert.Contains("kernel 'fsharp' is not supported", run.Result.Failures[0].Message);
    }

    [Fact]
    public async Task Check_mode_compiles_every_cell_without_running_or_writing()
    {
        var ok = await FixtureRun.RunAsync("runtime-error.ipynb", new NotebookRunOptions { CheckOnly = true });
        Assert.Equal(0, ok.Result.ExitCode);          // throws only when run
        Assert.Null(ok.Written);
        var bad = await FixtureRun.RunAsync("compile-error.ipynb", new NotebookRunOptions { CheckOnly = true });
        Assert.Equal(1, bad.Result.ExitCode);
        Assert.Equal((2, 2), (bad.Result.Failures[0].Cell, bad.Result.Failures[0].Line));
    }

    [Fact]
    public async Task Invalid_json_exits_2_naming_the_file_and_position()
    {
        var folder = Directory.CreateTempSubdirectory("zsl-nb-").FullName;
        var path = Path.Combine(folder, "broken.ipynb");
        File.WriteAllText(path, "{\"cells\": [\n  {\"cell_type\": }\n");
        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("broken.ipynb", result.Error);
        Assert.Contains("line 2", result.Error);
    }

    private static void BuildFixtureLib(string path)
    {
        var tree = CSharpSyntaxTree.ParseText("namespace FixtureLib; public static class Greeter { public static string Hello(string n) => \"hello \" + n; }");
        var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("FixtureLib", [tree], refs, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var emit = compilation.Emit(path);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
    }
}
