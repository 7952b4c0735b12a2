// DataCommand.cs - `zsl data`: converts files of the papers' releases into the formats the data layer reads.
// `zsl data lesa-w2v <pickle>`: the LESA release's Open Images word vectors (a pickle of (seen_vecs, unseen_vecs)) ->
// <data>/openimages-v4/w2v_seen.npy + w2v_unseen.npy (docs/data.md, "Open Images word vectors"). Exit 0 written, 2 bad
// input: a missing or malformed pickle, a missing label list, no data folder, existing files without --force.
// `zsl data lesa-stores`: `zsl extract` shards + label files -> LESA's split stores (DataLesaStoresCommand.cs).
using System.CommandLine;
using ZslKit.Data;
using ZslKit.Data.Datasets;

namespace ZslKit.Cli.Commands;

internal static class DataCommand
{
    /// <summary>Exit code of both sub-commands for bad arguments or input files.</summary>
    public const int BadInput = 2;

    public static Command Create()
    {
        var pickle = new Argument<string>("pickle") { Description = "The release's init_w2v file: a pickle of (seen_vecs [7186, d], unseen_vecs [2594, d])." };
        var data = new Option<string?>("--data")
        {
            Description = $"Data folder holding openimages-v4/ (default: ${SharedData.EnvironmentVariable}, else ../shared/data beside the repository).",
        };
        var force = new Option<bool>("--force") { Description = "Replace existing w2v_seen.npy / w2v_unseen.npy." };
        var lesaW2v = new Command("lesa-w2v", "Import the LESA release's Open Images word vectors as w2v_seen.npy / w2v_unseen.npy.") { pickle, data, force };
        lesaW2v.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var root = parse.GetValue(data) ?? SharedData.Find();
            if (root is null)
            {
                error.WriteLine($"zsl data lesa-w2v: no data folder: pass --data or set ${SharedData.EnvironmentVariable}");
                return BadInput;
            }
            var folder = Path.Combine(root, "openimages-v4");
            var file = parse.GetValue(pickle)!;
            if (!File.Exists(file))
            {
                error.WriteLine($"zsl data lesa-w2v: no such pickle file: {file}");
                return BadInput;
            }
            foreach (var list in new[] { "classes-trainable.txt", "unseen_labels.txt" })
                if (!File.Exists(Path.Combine(folder, list)))
                {
                    error.WriteLine($"zsl data lesa-w2v: --data {root}: missing openimages-v4/{list} (the Open Images v4 label list the vectors' rows follow)");
                    return BadInput;
                }
            try
            {
                var r = LesaReleaseVectors.ImportOpenImages(file, folder, parse.GetValue(force));
                output.WriteLine($"wrote {r.SeenFile} [{r.SeenRows}, {r.Dim}] and {r.UnseenFile} [{r.UnseenRows}, {r.Dim}] (float32)");
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"zsl data lesa-w2v: {CliErrors.Message(e)}");
                return BadInput;
            }
        });
        return new Command("data", "Convert files of the papers' releases into the formats ZslKit reads.") { lesaW2v, DataLesaStoresCommand.Create() };
    }
}
