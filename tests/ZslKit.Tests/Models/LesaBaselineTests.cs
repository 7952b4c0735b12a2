// LesaBaselineTests.cs - the Table 1 rows (LESA M=1/10, one attention per cluster / per label, Fast0Tag, LabelEM,
// CONSE): output shapes, seen/unseen scoring through label vectors, and one learning sanity check each (the training
// loss on a fixed batch drops by 20% in 150 steps of the official TF-style RMSprop).
using ZslKit.Models;
using ZslKit.Models.Baselines;
using ZslKit.Torch;

namespace ZslKit.Tests.Models;

[Collection("torch-global-state")]
public class LesaBaselineTests
{
    private const int B = 8, H = 4, W = 4, D = 12, Dv = 6, S = 10, U = 3;

    public static TheoryData<string> Rows => new(LesaTable1.Rows);

    private static ILesaTrainable Create(string row, Tensor seen)
    {
        torch.manual_seed(3);
        var config = new LesaConfig { Modules = 3, FeatureDim = D, AttentionHidden = 8, WordDim = Dv, GridHeight = H, GridWidth = W };
        return row switch
        {
            "lesa" => new LesaTrainable(config),
            "lesa-m1" => new LesaTrainable(config with { Modules = 1 }),
            "attention-per-cluster" => new OneAttentionPerCluster(config, seen),
            "attention-per-label" => new OneAttentionPerLabel(D, Dv, 8),
            "fast0tag" => new Fast0Tag(D, Dv, 8),
            "labelem" => new LabelEm(D, Dv),
            "conse" => new Conse(D, seen, top: 3),
            _ => throw new ArgumentException(row),
        };
    }

    private static (Tensor X, Tensor Y, Tensor Vectors) Data()
    {
        torch.manual_seed(11);
        var vectors = torch.randn(S + U, Dv);
        var x = torch.randn(B, H * W, D);
        var y = torch.where(torch.rand(B, S).lt(0.3), torch.ones(B, S), -torch.ones(B, S));
        return (x, y, vectors);
    }

    [Theory, MemberData(nameof(Rows))]
    public void Scores_have_one_column_per_label_vector_for_seen_and_unseen_labels(string row)
    {
        using var scope = torch.NewDisposeScope();
        var (x, _, v) = Data();
        using var model = Create(row, v.narrow(0, 0, S));
        using var noGrad = torch.no_grad();
        var all = model.Scores(x, model.EmbedLabels(v));
        Assert.Equal(new long[] { B, S + U }, all.shape);
        Assert.All(all.ToArray<float>(), f => Assert.True(float.IsFinite(f)));
        // Scoring a subset of labels gives the same columns: labels are scored independently of each other.
        var unseen = model.Scores(x, model.EmbedLabels(v.narrow(0, S, U)));
        var tail = all.narrow(1, S, U).contiguous().ToArray<float>();
        var sub = unseen.ToArray<float>();
        for (int i = 0; i < sub.Length; i++) Assert.Equal(tail[i], sub[i], 4);
    }

    [Theory, MemberData(nameof(Rows))]
    public void Training_loss_on_a_fixed_batch_drops_under_tf_rmsprop(string row)
    {
        using var scope = torch.NewDisposeScope();
        var (x, y, v) = Data();
        var seen = v.narrow(0, 0, S);
        using var model = Create(row, seen);
        var opt = torch.optim.RMSprop(model.Module.parameters(), lr: 0.05, alpha: 0.9, eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true);
        float first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            using var inner = torch.NewDisposeScope();
            var loss = model.Loss(x, y, seen);
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        Assert.True(first > 0.05f, $"{row}: initial loss {first} is already ~0");
        Assert.True(last < 0.8f * first, $"{row}: loss {first} -> {last} did not drop by 20%");
    }

    [Fact]
    public void One_attention_per_cluster_gives_every_label_exactly_one_cluster()
    {
        using var scope = torch.NewDisposeScope();
        var (_, _, v) = Data();
        using var model = (OneAttentionPerCluster)Create("attention-per-cluster", v.narrow(0, 0, S));
        var m = model.Membership(v);                                           // [M, C]
        Assert.Equal(new long[] { 3, S + U }, m.shape);
        Assert.All(m.sum(0).ToArray<float>(), c => Assert.Equal(1f, c));
        Assert.True(m.sum(1).gt(0).to(ScalarType.Float32).sum().item<float>() >= 2, "k-means put all labels in one cluster");
    }

    [Fact]
    public void Lesa_scores_thousands_of_labels_in_one_batched_pass_equal_to_chunked_scoring()
    {
        // Open Images scale: 7,586 labels at once; the one-pass scores equal those computed in label chunks.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var config = new LesaConfig { Modules = 4, FeatureDim = 16, AttentionHidden = 16, WordDim = 300, GridHeight = 14, GridWidth = 14 };
        using var model = new LesaModel(config);
        using var noGrad = torch.no_grad();
        var x = torch.randn(2, 196, 16);
        var v = torch.randn(7586, 300);
        var all = model.Scores(x, model.LabelEmbedding(v));
        Assert.Equal(new long[] { 2, 7586 }, all.shape);
        var chunk = model.Scores(x, model.LabelEmbedding(v.narrow(0, 7000, 586))).ToArray<float>();
        var tail = all.narrow(1, 7000, 586).contiguous().ToArray<float>();
        for (int i = 0; i < chunk.Length; i++) Assert.Equal(tail[i], chunk[i], 4);
    }

    [Fact]
    public void Unknown_row_names_are_rejected_with_the_known_list()
    {
        var bench = new ZslKit.Data.Synthetic.MultiLabelBenchmark(
            ZslKit.Data.Synthetic.MultiLabelBenchmarkConfig.Quick with { TrainImages = 10, TestImages = 2, FeatureDim = 4 },
            ZslKit.Data.Synthetic.LabelSemantics.StandIn(1, seen: 20, unseen: 5, dim: 8, clusters: 4));
        var ex = Assert.Throws<ArgumentException>(() => LesaTable1.Create("lesa-m3", bench, 4, 0));
        Assert.Contains("attention-per-cluster", ex.Message);
    }

    [Fact]
    public void Baseline_constructors_refuse_widths_below_one_naming_the_argument()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Fast0Tag(0, 5, 3));
        Assert.Contains("Fast0Tag: featureDim must be in [1, 65536]", ex.Message);
        Assert.Contains("Actual value was 0.", ex.Message);
        Assert.Equal("hidden", Assert.Throws<ArgumentOutOfRangeException>(() => new Fast0Tag(4, 5, hidden: -1)).ParamName);
        Assert.Equal("wordDim", Assert.Throws<ArgumentOutOfRangeException>(() => new LabelEm(4, 0)).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentOutOfRangeException>(() => new OneAttentionPerLabel(4, 5, hidden: 0)).ParamName);
        Assert.Equal("lambdaRel", Assert.Throws<ArgumentOutOfRangeException>(() => new OneAttentionPerLabel(4, 5, 3, lambdaRel: double.NaN)).ParamName);
        Assert.Equal("featureDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Conse(0, torch.ones(4, 5), top: 2)).ParamName);
        var conse = Assert.Throws<ArgumentException>(() => new Conse(4, torch.ones(5), top: 2));
        Assert.Contains("Conse: seenVectors must be [S, dv]", conse.Message);
        using var fromFloat64 = new Conse(4, torch.ones([4, 5], ScalarType.Float64), top: 2);   // held in the model's dtype
        Assert.Equal(ScalarType.Float32, fromFloat64.buffers().Single().dtype);
    }

    [Theory, MemberData(nameof(Rows))]
    public void Scores_embeddings_and_losses_refuse_features_and_vectors_of_the_wrong_shape_or_dtype_naming_them(string row)
    {
        using var scope = torch.NewDisposeScope();
        var (x, y, v) = Data();
        var seen = v.narrow(0, 0, S);
        using var model = Create(row, seen);
        var embedded = model.EmbedLabels(v);
        void Refused(Action call, string text)
        {
            var ex = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Contains(text, ex.Message);
        }
        Refused(() => model.Scores(torch.zeros(B, H * W, D + 1), embedded), $"got [{B}, {H * W}, {D + 1}]");
        Refused(() => model.Scores(torch.zeros(B, D), embedded), $"got [{B}, {D}]");
        Refused(() => model.Scores(x.to(ScalarType.Float64), embedded), "must be float32 (the model's dtype), got float64");
        Refused(() => model.EmbedLabels(torch.zeros(4, Dv + 1)), $"must be [C, {Dv}], got [4, {Dv + 1}]");
        Refused(() => model.EmbedLabels(v.to(ScalarType.Int64)), "got int64");
        Refused(() => model.Loss(torch.zeros(B, H * W, D + 1), y, seen), $"got [{B}, {H * W}, {D + 1}]");
        if (row != "conse")   // CONSE's loss is on its seen classifier and does not read the seen vectors
            Refused(() => model.Loss(x, y, torch.zeros(S, Dv + 1)), $"got [{S}, {Dv + 1}]");
    }

    [Fact]
    public void Embedded_labels_of_another_shape_are_refused_by_scores_naming_them()
    {
        using var scope = torch.NewDisposeScope();
        var (x, _, v) = Data();
        using var fast0tag = new Fast0Tag(D, Dv, 8);
        var ex = Assert.Throws<ArgumentException>(() => fast0tag.Scores(x, torch.zeros(4, Dv + 1)));
        Assert.Contains($"Fast0Tag.Scores: embedded labels must be [C, {Dv}], got [4, {Dv + 1}]", ex.Message);
        using var labelEm = new LabelEm(D, Dv);
        ex = Assert.Throws<ArgumentException>(() => labelEm.Scores(x, labelEm.EmbedLabels(v).t()));
        Assert.Contains($"LabelEm.Scores: embedded labels must be [{D}, C] (EmbedLabels), got [{S + U}, {D}]", ex.Message);
        using var perLabel = new OneAttentionPerLabel(D, Dv, 8);
        ex = Assert.Throws<ArgumentException>(() => perLabel.Attention(x.mean(1), perLabel.EmbedLabels(v)));
        Assert.Contains($"OneAttentionPerLabel.Attention: features must be [B, R, {D}], got [{B}, {D}]", ex.Message);
    }

    [Fact]
    public void One_attention_per_cluster_refuses_seen_vectors_of_another_width_or_fewer_than_its_modules()
    {
        using var scope = torch.NewDisposeScope();
        var config = new LesaConfig { Modules = 3, FeatureDim = D, AttentionHidden = 8, WordDim = Dv, GridHeight = H, GridWidth = W };
        var ex = Assert.Throws<ArgumentException>(() => new OneAttentionPerCluster(config, torch.ones(S, Dv - 1)));
        Assert.Contains($"OneAttentionPerCluster: seenVectors must be [S, {Dv}] (config.WordDim), got [{S}, {Dv - 1}]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new OneAttentionPerCluster(config, torch.ones(2, Dv)));
        Assert.Contains("config.Modules = 3 exceeds the 2 seen vectors", ex.Message);
        var (_, _, v) = Data();
        using var model = new OneAttentionPerCluster(config, v.narrow(0, 0, S));
        ex = Assert.Throws<ArgumentException>(() => model.Membership(torch.ones(4, Dv + 1)));
        Assert.Contains($"OneAttentionPerCluster.Membership: label vectors must be [C, {Dv}], got [4, {Dv + 1}]", ex.Message);
    }
}
