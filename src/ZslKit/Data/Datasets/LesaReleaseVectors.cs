// LesaReleaseVectors.cs - imports the word vectors of the LESA release (Huynh & Elhamifar, CVPR 2020; hbdat/cvpr20_LESA)
// for Open Images: its `init_w2v` file is a pickle of (seen_vecs, unseen_vecs), numpy matrices with one row per line of
// classes-trainable.txt (7,186) and of unseen_labels.txt (2,594; the official script then picks the top-400 rows,
// multilabel_experiments/OpenImage_rank_Visual_Word_Attention.py). The pickle is read by the engine's restricted
// unpickler (no code runs) and written as <data>/openimages-v4/w2v_seen.npy and w2v_unseen.npy, which
// LabelSemantics.LoadOpenImages reads.
using ZslKit.Data.Formats;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Data.Datasets;

/// <summary>What <see cref="LesaReleaseVectors.ImportOpenImages"/> wrote.</summary>
public sealed record LesaVectorImport(string SeenFile, string UnseenFile, int SeenRows, int UnseenRows, int Dim);

public static class LesaReleaseVectors
{
    /// <summary>
    /// Reads the release pickle <paramref name="pickle"/>, checks its two matrices against the label lists in
    /// <paramref name="openImagesFolder"/> (rows = lines of classes-trainable.txt / unseen_labels.txt, same width) and
    /// writes them as float32 .npy files there (atomically: temp file + rename). Existing files are replaced only with
    /// <paramref name="overwrite"/>. Wrong content throws <see cref="DataFormatException"/> naming the file.
    /// </summary>
    public static LesaVectorImport ImportOpenImages(string pickle, string openImagesFolder, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        ArgumentNullException.ThrowIfNull(openImagesFolder);
        if (!File.Exists(pickle)) throw new FileNotFoundException($"no such pickle file: {pickle}", pickle);
        int seenLabels = TextList.Read(Path.Combine(openImagesFolder, "classes-trainable.txt")).Length;
        int unseenLabels = TextList.Read(Path.Combine(openImagesFolder, "unseen_labels.txt")).Length;
        var seenFile = Path.Combine(openImagesFolder, Synthetic.LabelSemantics.OpenImagesSeenVectorsFile);
        var unseenFile = Path.Combine(openImagesFolder, Synthetic.LabelSemantics.OpenImagesUnseenVectorsFile);
        if (!overwrite && (File.Exists(seenFile) || File.Exists(unseenFile)))
            throw new IOException($"{(File.Exists(seenFile) ? seenFile : unseenFile)} exists; pass overwrite (zsl data lesa-w2v --force) to replace it");

        object? root;
        try { root = PthReader.LoadPickle(pickle); }
        catch (PthFormatException e) { throw new DataFormatException(pickle, e.Offset ?? -1, e.Problem, e); }
        if (root is not PthTuple { Count: 2 } pair)
            throw new DataFormatException(pickle, -1, $"expected a pickled pair (seen_vecs, unseen_vecs), found a {PickleDescription(root)}");
        var seen = Matrix(pickle, pair[0], "seen_vecs", seenLabels, "classes-trainable.txt");
        var unseen = Matrix(pickle, pair[1], "unseen_vecs", unseenLabels, "unseen_labels.txt");
        if (seen.Dim != unseen.Dim)
            throw new DataFormatException(pickle, -1, $"seen_vecs are {seen.Dim}-d but unseen_vecs are {unseen.Dim}-d");
        WriteAtomically(seenFile, seen.Values, seenLabels, seen.Dim);
        WriteAtomically(unseenFile, unseen.Values, unseenLabels, unseen.Dim);
        return new LesaVectorImport(seenFile, unseenFile, seenLabels, unseenLabels, seen.Dim);
    }

    private static (float[] Values, int Dim) Matrix(string pickle, object? value, string what, int rows, string listFile)
    {
        if (value is not TensorData t)
            throw new DataFormatException(pickle, -1, $"{what} is a {PickleDescription(value)}, not a numpy array");
        if (t.Shape.Length != 2 || t.Shape[0] != rows || t.Shape[1] < 1)
            throw new DataFormatException(pickle, -1,
                $"{what} has shape ({string.Join(", ", t.Shape)}); expected ({rows}, dim): one row per line of {listFile}");
        if (t.DType is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16))
            throw new DataFormatException(pickle, -1, $"{what} holds {t.DType}, not floating-point vectors");
        using var scope = torch.NewDisposeScope();
        var values = torch.from_data(t).to(ScalarType.Float32).ToArray<float>();
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0) throw new DataFormatException(pickle, -1, $"{what} row {bad / t.Shape[1]} holds a non-finite value");
        return (values, (int)t.Shape[1]);
    }

    private static void WriteAtomically(string path, float[] values, int rows, int dim)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            Formats.Npy.Write<float>(temp, values, rows, dim);
            File.Move(temp, path, overwrite: true);
        }
        finally { if (File.Exists(temp)) File.Delete(temp); }
    }

    private static string PickleDescription(object? v) => v switch
    {
        null => "None",
        PthTuple t => $"tuple of {t.Count}",
        PthDict => "dict",
        TensorData d => $"array ({string.Join(", ", d.Shape)})",
        List<object?> => "list",
        string => "str",
        long or System.Numerics.BigInteger => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        _ => "value of another type",
    };
}
