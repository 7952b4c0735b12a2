// DataCommand.cs - `zsl data`: converts files of the papers' releases into the formats the data layer reads.
// `zsl data lesa-w2v <pickle>`: the LESA release's Open Images word vectors (a pickle of (seen_vecs, unseen_vecs)) ->
// <data>/openimages-v4/w2v_seen.npy + w2v_unseen.npy (docs/data.md, "Open Images word vectors").
// `zsl data lesa-stores`: `zsl extract` shards + label files -> LESA's split stores (DataLesaStoresCommand.cs).
using System.CommandLine;
using ZslKit.Data;
using ZslKit.Data.Datasets;

namespace ZslKit.Cli.Commands;

internal static class DataCommand
{
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
                return 2;
            }
            var folder = Path.Combine(root, "openimages-v4");
            try
            {
                var r = LesaReleaseVectors.ImportOpenImages(parse.GetValue(pickle)!, folder, parse.GetValue(force));
                output.WriteLine($"wrote {r.SeenFile} [{r.SeenRows}, {r.Dim}] and {r.UnseenFile} [{r.UnseenRows}, {r.Dim}] (float32)");
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException)
            {
                error.WriteLine($"zsl data lesa-w2v: {CliErrors.Message(e)}");
                return e is DataFormatException ? 1 : 2;
            }
        });
        return new Command("data", "Convert files of the papers' releases into the formats ZslKit reads.") { lesaW2v, DataLesaStoresCommand.Create() };
    }
}
