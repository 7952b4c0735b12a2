// Per-image top-K selection and micro-averaged ("overall") precision, recall and F1 at K (LESA/BiAM NUS-WIDE and
// Open Images tables). Ties: a higher score ranks first; equal scores rank by lower label index first (stable order).
namespace ZslKit.Metrics;

/// <summary>Overall precision, recall and F1 at K over a test set.</summary>
public readonly record struct PrfAtK(int K, double Precision, double Recall, double F1, long TruePositives, long Images, long Positives);

/// <summary>Running top-K counts: feed rows, read P/R/F1 for every K. One instance per thread; merge with <see cref="Add"/>.</summary>
public sealed class TopKCounter
{
    private readonly int[] _ks;
    private readonly int _maxK, _labels;
    private readonly long[] _tp;
    private readonly int[] _idx;
    private readonly float[] _val;

    /// <param name="ks">The K values (each ≥ 1 and ≤ <paramref name="labels"/>).</param>
    /// <param name="labels">Number of label columns: the length of every row.</param>
    /// <param name="keepImagesWithoutPositives">True: NUS protocol (keep); false: BiAM Open Images protocol (exclude).</param>
    public TopKCounter(IReadOnlyList<int> ks, int labels, bool keepImagesWithoutPositives)
    {
        CheckKs(ks, labels, nameof(ks));
        _labels = labels;
        _ks = [.. ks];
        _maxK = _ks.Max();
        _tp = new long[_ks.Length];
        _idx = new int[_maxK];
        _val = new float[_maxK];
        KeepImagesWithoutPositives = keepImagesWithoutPositives;
    }

    /// <summary>
    /// Checks K values against a label count: at least one K, each between 1 and <paramref name="labels"/>; the message
    /// reads "<paramref name="input"/>: K = 5 must be between 1 and the label count 3" (callers add their own context).
    /// </summary>
    internal static void CheckKs(IReadOnlyList<int> ks, int labels, string input)
    {
        ArgumentNullException.ThrowIfNull(ks, input);
        if (ks.Count == 0) throw new MetricInputException(input, "no K given");
        foreach (var k in ks)
            if (k < 1 || k > labels) throw new MetricInputException(input, $"K = {k} must be between 1 and the label count {labels}");
    }

    public bool KeepImagesWithoutPositives { get; }
    public long Images { get; private set; }
    public long Positives { get; private set; }

    /// <summary>Counts one image: its scores and labels (1 positive; 0 and -1 are not positive), each one per label column.
    /// Throws <see cref="MetricInputException"/> for a row of another length, a non-finite score or a label outside {-1, 0, 1}.</summary>
    public void AddRow(ReadOnlySpan<float> scores, ReadOnlySpan<sbyte> labels)
    {
        if (scores.Length != _labels || labels.Length != _labels)
            throw new MetricInputException(scores.Length != _labels ? "scores" : "labels",
                $"row of {scores.Length} scores and {labels.Length} labels; this counter (K up to {_maxK}) counts rows of {_labels} label columns");
        int positives = 0;
        for (int j = 0; j < labels.Length; j++)
        {
            sbyte y = labels[j];
            if (y is < -1 or > 1) throw new MetricInputException("labels", $"label {y} at column {j} is not one of -1, 0, 1");
            if (y > 0) positives++;
        }
        if (positives == 0 && !KeepImagesWithoutPositives)
        {
            for (int j = 0; j < scores.Length; j++) CheckScore(scores[j], j);   // not counted, but still checked
            return;
        }
        // Insertion into a sorted buffer of the best K: (score desc, index asc). A later index must beat strictly.
        int n = 0;
        for (int j = 0; j < scores.Length; j++)
        {
            float s = scores[j];
            CheckScore(s, j);
            if (n == _maxK && !(s > _val[n - 1])) continue;
            int at = n == _maxK ? n - 1 : n++;
            while (at > 0 && s > _val[at - 1]) { _val[at] = _val[at - 1]; _idx[at] = _idx[at - 1]; at--; }
            _val[at] = s;
            _idx[at] = j;
        }
        Images++;                                   // counted once the row is known to be valid
        Positives += positives;
        for (int q = 0; q < _ks.Length; q++)
        {
            int hits = 0;
            for (int r = 0; r < _ks[q]; r++) if (labels[_idx[r]] > 0) hits++;
            _tp[q] += hits;
        }
    }

    private static void CheckScore(float s, int column)
    {
        if (!float.IsFinite(s)) throw new MetricInputException("scores", $"score {s} at column {column} is not finite");
    }

    /// <summary>Adds another counter's totals (same Ks and protocol) into this one.</summary>
    public void Add(TopKCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other._ks.AsSpan().SequenceEqual(_ks) || other._labels != _labels || other.KeepImagesWithoutPositives != KeepImagesWithoutPositives)
            throw new ArgumentException($"TopKCounter.Add: the other counter has K [{string.Join(", ", other._ks)}] over {other._labels} labels " +
                $"(keep images without positives: {other.KeepImagesWithoutPositives}); this one [{string.Join(", ", _ks)}] over {_labels} " +
                $"({KeepImagesWithoutPositives})", nameof(other));
        Images += other.Images;
        Positives += other.Positives;
        for (int q = 0; q < _tp.Length; q++) _tp[q] += other._tp[q];
    }

    /// <summary>P = TP/(N·K), R = TP/#positives, F1 = 2PR/(P+R) (0 where undefined), for every K in order.</summary>
    public PrfAtK[] Results()
    {
        var r = new PrfAtK[_ks.Length];
        for (int q = 0; q < _ks.Length; q++)
        {
            int k = _ks[q];
            double p = Images > 0 ? (double)_tp[q] / (Images * k) : 0;
            double rec = Positives > 0 ? (double)_tp[q] / Positives : 0;
            double f1 = p + rec > 0 ? 2 * p * rec / (p + rec) : 0;
            r[q] = new PrfAtK(k, p, rec, f1, _tp[q], Images, Positives);
        }
        return r;
    }
}
