using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZslKit.Data;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Images;
using ZslKit.Models.Backbones;
using ZslKit.Torch;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl extract`: one backbone feature map (e.g. VGG-19 conv5_4) for every image of a list into feature-store shards
/// (FeatureExtraction): batched, GPU when available, progress bar, resumable, corrupt images skipped and listed.
/// Bad arguments or input files exit with code 2 and a one-line message, before the output folder or extraction.json
/// is written; skipped images do not fail the run.
/// </summary>
internal static class ExtractCommand
{
    public const int BadInput = 2;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = $"Backbone: {string.Join(", ", Backbones.Names)}.", DefaultValueFactory = _ => "vgg19" };
        var layer = new Option<string>("--layer") { Description = "Feature map: conv5_4, layer4/conv5, features.35, avgpool, ... (docs/backbones.md).", DefaultValueFactory = _ => "conv5_4" };
        var images = new Option<string?>("--images") { Description = "Text file with one image path per line (relative to the file's folder)." };
        var output = new Option<string?>("--out") { Description = "Output folder: shard-NNNNN feature stores + extraction.json." };
        var weights = new Option<string?>("--weights") { Description = "torchvision ImageNet state dict (.pth); omitted: random init after manual_seed(0) (benchmarks only)." };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 64 };
        var shard = new Option<int>("--shard-size") { Description = "Images per shard (the unit of resumption).", DefaultValueFactory = _ => 1024 };
        var resize = new Option<int>("--resize") { Description = "Shorter side before the centre crop (torchvision Resize).", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop size (224; SGMA: 448).", DefaultValueFactory = _ => 224 };
        var fp16 = new Option<bool>("--fp16") { Description = "Store features as float16." };
        var device = new Option<string>("--device") { Description = "auto (CUDA when available), cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var transforms = new Option<string>("--transforms")
        {
            Description = "Where Resize/CenterCrop/Normalize run: auto (on the GPU when the device is one), host or device; the features are the same.",
            DefaultValueFactory = _ => "auto",
        };
        var threads = new Option<int>("--threads")
        {
            // libtorch's own default here is 1 intra-op thread (OpenMP sees one core per VM CPU), which leaves cores idle
            // during the convolutions; extraction is the heaviest CPU work of the kit, so it takes every CPU by default.
            Description = "libtorch intra-op threads for the forward passes (default: every CPU of the machine).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var command = new Command("extract", "Extract backbone feature maps for a list of images into a feature store.")
        {
            model, layer, images, output, weights, batch, shard, resize, crop, fp16, device, transforms, threads,
        };
        command.SetAction(parse =>
        {
            var err = parse.InvocationConfiguration.Error;
            try
            {
                var list = parse.GetValue(images) ?? throw new ArgumentException("--images is required");
                var outFolder = parse.GetValue(output) ?? throw new ArgumentException("--out is required");
                // Every option is checked before the extraction creates the output folder or writes extraction.json.
                foreach (var (option, value) in new[] { ("--batch", parse.GetValue(batch)), ("--shard-size", parse.GetValue(shard)),
                             ("--resize", parse.GetValue(resize)), ("--crop", parse.GetValue(crop)), ("--threads", parse.GetValue(threads)) })
                    if (value < 1) throw new ArgumentException($"{option} {value}: must be at least 1");
                OutputPaths.CheckFolder(outFolder, "--out");
                var dev = parse.GetValue(device) switch
                {
                    "auto" => null,
                    "cpu" => torch.CPU,
                    var d => torch.device(d!),
                };
                var options = new ExtractionOptions(parse.GetValue(model)!, parse.GetValue(layer)!, list, outFolder)
                {
                    Weights = parse.GetValue(weights),
                    BatchSize = parse.GetValue(batch),
                    ShardSize = parse.GetValue(shard),
                    Preprocessing = new ImagePreprocessing(parse.GetValue(resize), parse.GetValue(crop)),
                    DType = parse.GetValue(fp16) ? FeatureDType.Fp16 : FeatureDType.Fp32,
                    Device = dev,
                    Transforms = parse.GetValue(transforms) switch
                    {
                        "auto" => TransformLocation.Auto,
                        "host" => TransformLocation.Host,
                        "device" => TransformLocation.Device,
                        var t => throw new ArgumentException($"--transforms '{t}' is not one of auto, host, device"),
                    },
                };
                if (!Backbones.Names.Contains(options.Model)) throw new ArgumentException($"--model '{options.Model}' is not one of {string.Join(", ", Backbones.Names)}");
                torch.set_num_threads(parse.GetValue(threads));
                var summary = RunWithProgress(options);
                var console = AnsiConsole.Console;
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[green]done[/]: {summary.ImagesStored} images in {summary.ShardsWritten} new shard(s); {summary.ShardsAlreadyDone} shard(s) were already complete"));
                if (summary.Device is { } where)
                    console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                        $"{summary.Seconds:F1} s ({(summary.ImagesStored + summary.Skipped.Count) / Math.Max(summary.Seconds, 1e-9):F1} images/s, model loading included); " +
                        $"forward on {where}, transforms on {(summary.Transforms == TransformLocation.Device ? "the device" : "host threads")}"));
                if (summary.Skipped.Count > 0)
                {
                    var table = new Table().AddColumn("skipped image").AddColumn("reason");
                    foreach (var s in summary.Skipped) table.AddRow(Markup.Escape(s.Path), Markup.Escape(s.Reason));
                    console.Write(table);
                    console.MarkupLine($"[yellow]{summary.Skipped.Count} image(s) skipped[/] (listed in each shard's metadata 'skipped')");
                }
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or DataFormatException or IOException or UnauthorizedAccessException
                                           or InvalidOperationException or ZslKit.Torch.Serialization.PthFormatException)
            {
                err.WriteLine("zsl extract: " + CliErrors.Message(e));
                return BadInput;
            }
        });
        return command;
    }

    private static ExtractionSummary RunWithProgress(ExtractionOptions options)
    {
        if (Console.IsOutputRedirected) return FeatureExtraction.Run(options);
        ExtractionSummary? summary = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{options.Model} {options.Layer}");
                var progress = new Progress<ExtractionProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                summary = FeatureExtraction.Run(options, progress);
                task.Value = task.MaxValue;
            });
        return summary!;
    }
}
