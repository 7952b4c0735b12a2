// DataLesaStoresCommand.cs - `zsl data lesa-stores`: `zsl extract` shards + a dataset's official label files -> the
// split feature stores (and item-ids.txt) LESA's real-data path reads (NusWideStoreBuilder, OpenImagesStoreBuilder;
// docs/data.md "LESA feature stores from `zsl extract`"). Exit codes as `zsl data lesa-w2v`: 0 done, 2 bad input:
// bad arguments (an option of the other dataset included), a missing file or folder, a malformed input file (named
// with its line) or corrupt feature chunk, a folder that is not a complete `zsl extract` output, or stores that exist
// from other settings (use --force).
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZslKit.Data;
using ZslKit.Data.Datasets;

namespace ZslKit.Cli.Commands;

internal static class DataLesaStoresCommand
{
    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "nus-wide or openimages (required)." };
        var features = new Option<string?>("--features") { Description = "The `zsl extract` output folder (extraction.json + shard-NNNNN stores; required)." };
        var split = new Option<string?>("--split") { Description = "Write this split only: train or test (NUS-WIDE); train, validation or test (Open Images). Default: every split." };
        var data = new Option<string?>("--data")
        {
            Description = $"Dataset folder with the label files (default: <data>/nus-wide or <data>/openimages-v4, <data> = ${SharedData.EnvironmentVariable} or ../shared/data).",
        };
        var output = new Option<string?>("--out") { Description = "Folder receiving train/, test/ (and validation/) (default: <dataset folder>/features)." };
        var force = new Option<bool>("--force") { Description = "Replace split stores that already exist." };
        var noVerify = new Option<bool>("--no-verify")
        {
            Description = "Do not check the extraction's feature chunks against their CRC-32C (the check reads every chunk holding a copied item in full).",
        };
        var match = new Option<string>("--match")
        {
            Description = "NUS-WIDE: match stored paths to Imagelist.txt by relative-path (default) or file-name (the official script's key).",
            DefaultValueFactory = _ => "relative-path",
        };
        var keepConceptTags = new Option<bool>("--keep-concept-tag-labels")
        {
            Description = "NUS-WIDE: keep 2v-1 in the 75 tag columns that are also concepts (the official script writes 0 there).",
        };
        var minBytes = new Option<long>("--min-image-bytes")
        {
            Description = "NUS-WIDE: skip images whose file has at most this many bytes (the official extraction used 4000 against Flickr's " +
                "'photo unavailable' placeholders; needs the image files; default 0 = keep all).",
        };
        var testLayout = new Option<string>("--test-layout")
        {
            Description = "Open Images test labels: all-candidates (7,186 + 2,594 = 9,780, the official records; default) or top400 (7,186 + 400).",
            DefaultValueFactory = _ => "all-candidates",
        };
        var keepUnlabelled = new Option<bool>("--keep-unlabelled")
        {
            Description = "Open Images: also write images with no row in the split's label CSV (labels all 0); needs --split.",
        };
        var command = new Command("lesa-stores", "Build LESA's split feature stores from `zsl extract` shards and the dataset's label files.")
        {
            dataset, features, split, data, output, force, noVerify, match, keepConceptTags, minBytes, testLayout, keepUnlabelled,
        };
        command.SetAction(parse =>
        {
            var err = parse.InvocationConfiguration.Error;
            string? Bad(string? value, string option, params string[] allowed) =>
                value is null ? $"{option} is required ({string.Join(" or ", allowed)})"
                : allowed.Contains(value) ? null : $"{option} '{value}' is not one of {string.Join(", ", allowed)}";
            var name = parse.GetValue(dataset);
            var problem = Bad(name, "--dataset", "nus-wide", "openimages")
                ?? (parse.GetValue(features) is null ? "--features (the `zsl extract` output folder) is required" : null)
                ?? (parse.GetValue(split) is { } sp ? Bad(sp, "--split", name == "nus-wide" ? ["train", "test"] : ["train", "validation", "test"]) : null)
                ?? Bad(parse.GetValue(match), "--match", "relative-path", "file-name")
                ?? Bad(parse.GetValue(testLayout), "--test-layout", "all-candidates", "top400")
                ?? (parse.GetValue(minBytes) < 0 ? "--min-image-bytes must be >= 0" : null)
                ?? OtherDatasetOption(parse, name!, [match, keepConceptTags, minBytes], [testLayout, keepUnlabelled])
                ?? (parse.GetValue(output) is { } o ? OutputPaths.FolderProblem(o, "--out") : null);
            if (problem is not null)
            {
                err.WriteLine("zsl data lesa-stores: " + problem);
                return DataCommand.BadInput;
            }
            var folder = parse.GetValue(data);
            if (folder is null)
            {
                if (SharedData.Find() is not { } root)
                {
                    err.WriteLine($"zsl data lesa-stores: no data folder: pass --data or set ${SharedData.EnvironmentVariable}");
                    return DataCommand.BadInput;
                }
                folder = Path.Combine(root, name == "nus-wide" ? "nus-wide" : "openimages-v4");
            }
            var outFolder = parse.GetValue(output) ?? Path.Combine(folder, "features");
            var options = new LesaStoreOptions
            {
                Splits = parse.GetValue(split) is { } s ? [s] : null, Force = parse.GetValue(force), Verify = !parse.GetValue(noVerify),
            };
            try
            {
                var summary = WithProgress(progress => name == "nus-wide"
                    ? NusWideStoreBuilder.Build(parse.GetValue(features)!, folder, outFolder, options, new NusWideStoreOptions
                    {
                        Match = parse.GetValue(match) == "file-name" ? NusWideMatch.FileName : NusWideMatch.RelativePath,
                        ZeroConceptTags = !parse.GetValue(keepConceptTags),
                        MinImageBytes = parse.GetValue(minBytes),
                    }, progress)
                    : OpenImagesStoreBuilder.Build(parse.GetValue(features)!, folder, outFolder, options, new OpenImagesStoreOptions
                    {
                        TestLayout = parse.GetValue(testLayout) == "top400" ? OpenImagesTestLayout.Top400 : OpenImagesTestLayout.AllCandidates,
                        KeepUnlabelled = parse.GetValue(keepUnlabelled),
                    }, progress));
                Report(summary, parse.InvocationConfiguration.Output);
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                err.WriteLine("zsl data lesa-stores: " + CliErrors.Message(e));
                return DataCommand.BadInput;
            }
        });
        return command;
    }

    /// <summary>A problem when an option of the other dataset was given explicitly (it would be ignored), else null.</summary>
    private static string? OtherDatasetOption(ParseResult parse, string dataset, Option[] nusWide, Option[] openImages)
    {
        var (other, otherName) = dataset == "nus-wide" ? (openImages, "openimages") : (nusWide, "nus-wide");
        return other.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given
            ? $"{given.Name} applies to --dataset {otherName} only, not {dataset}"
            : null;
    }

    /// <summary>Runs the build under a Spectre progress display (one task per phase) when stdout is a terminal.</summary>
    private static LesaStoreSummary WithProgress(Func<IProgress<LesaStoreProgress>?, LesaStoreSummary> build)
    {
        if (Console.IsOutputRedirected) return build(null);
        LesaStoreSummary? summary = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Progress<LesaStoreProgress>(p =>
                {
                    lock (tasks)   // Progress<T> callbacks run on pool threads without a synchronisation context
                    {
                        if (!tasks.TryGetValue(p.Phase, out var task)) tasks[p.Phase] = task = ctx.AddTask(Markup.Escape(p.Phase));
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = Math.Max(task.Value, p.Done);
                    }
                });
                summary = build(progress);
                lock (tasks)
                    foreach (var task in tasks.Values) task.Value = task.MaxValue;
            });
        return summary!;
    }

    private static void Report(LesaStoreSummary s, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("split").AddColumn(new TableColumn("items").RightAligned()).AddColumn(new TableColumn("labels").RightAligned())
            .AddColumn(new TableColumn("no positive").RightAligned()).AddColumn("status");
        foreach (var split in s.Splits)
            table.AddRow(split.Split, N(split.Items), N(split.LabelCount), split.AlreadyBuilt ? "-" : N(split.WithoutPositive),
                split.AlreadyBuilt ? "already built (kept)" : "written");
        console.Write(table);
        console.WriteLine($"stores (with item-ids.txt): {string.Join(", ", s.Splits.Select(x => x.Folder))}");
        var counts = new Table().AddColumn("extraction images").AddColumn(new TableColumn("count").RightAligned()).AddColumn("examples");
        void Row(string what, long n, IReadOnlyCollection<string> examples) =>
            counts.AddRow(what, N(n), Markup.Escape(string.Join(", ", examples.Take(3)) + (examples.Count > 3 ? ", ..." : "")));
        Row("stored by `zsl extract`", s.Images, []);
        Row("skipped at extraction", s.SkippedAtExtraction.Count, s.SkippedAtExtraction.Select(k => k.Path).ToList());
        Row("unmatched (no dataset entry)", s.Unmatched.Count, s.Unmatched);
        Row("ambiguous", s.Ambiguous.Count, s.Ambiguous);
        Row("in another split", s.OtherSplit.Count, s.OtherSplit);
        Row("without labels (not written)", s.WithoutLabels.Count, s.WithoutLabels);
        if (s.Dataset == "nus-wide") Row("filtered (--min-image-bytes)", s.Filtered.Count, s.Filtered);
        console.Write(counts);
        console.WriteLine($"{s.Dataset}: {s.Model} {s.Layer} [{string.Join(", ", s.ItemShape)}] from {s.Extraction}");
        foreach (var w in s.Warnings) console.WriteLine("warning: " + w);
    }
}
