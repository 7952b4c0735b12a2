// LesaParityTests.cs - LesaModel and the four LESA losses against the independent PyTorch twin (bench/lesa_twin.py) on
// identical weights and inputs (fixture tests/fixtures/lesa/lesa.safetensors from gen_lesa.py, torch 1.13):
// forward outputs, each loss (official forms and the options), the gradients of the total loss (with the relevance margin
// and conv weight decay options in two cases), BatchNorm running statistics. Tolerance 1e-5.
using ZslKit.Losses;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Models;

public class LesaParityTests
{
    private static readonly ParityFixture Fixture = new("lesa.safetensors");

    // name: (B, H, W, D, hidden, M, C, dv, useConv, appendOne), as CASES in gen_lesa.py
    public static TheoryData<string> Cases => new() { "conv", "plain", "paper", "single" };

    private static Tensor T(string name) => Fixture[name];

    private static (LesaModel Model, LesaConfig Config) Build(string c)
    {
        var feats = T($"{c}.feats");
        var w1 = T($"{c}.w.W1");
        var w2 = T($"{c}.w.W2");
        var w3 = T($"{c}.w.W3");
        bool conv = Fixture.All.ContainsKey($"{c}.w.conv.weight");
        bool one = c != "paper";
        long d = feats.size(2);
        long h = c == "plain" ? 2 : 3;                       // grid heights of CASES in gen_lesa.py
        var config = new LesaConfig
        {
            Modules = (int)w2.size(1), FeatureDim = (int)d, AttentionHidden = (int)w1.size(1), WordDim = (int)w3.size(1),
            GridHeight = (int)h, GridWidth = (int)(feats.size(1) / h), UseConv = conv, AppendConstantChannel = one,
            // TOTAL_OPTIONS of gen_lesa.py
            ConvWeightDecay = c == "conv" ? 0.05 : 0, RelevanceMargin = c == "plain" ? 0.25 : 0,
        };
        var model = new LesaModel(config);
        model.load_state_dict(Fixture.StateDict($"{c}.w."), strict: true);
        return (model, config);
    }

    private static void Close(Tensor expected, Tensor actual, string what) => ParityFixture.Close(expected, actual, what);

    [Theory, MemberData(nameof(Cases))]
    public void Forward_outputs_match_the_pytorch_twin(string c)
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Build(c);
        using var _m = model;
        var o = model.forward(T($"{c}.feats"), T($"{c}.vecs"));
        Close(T($"{c}.scores"), o.Scores, "scores");
        Close(T($"{c}.module_scores"), o.ModuleScores, "module_scores");
        Close(T($"{c}.logits"), o.Logits, "logits");
        Close(T($"{c}.alpha"), o.Attention, "alpha");
        Close(T($"{c}.global_scores"), o.GlobalScores, "global_scores");
    }

    /// <summary>θ with the constant channel's 0 (the official concatenations) and without it (the folded path).</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Inference_scores_from_either_label_embedding_match_the_forward_pass_and_the_twin(string c)
    {
        using var scope = torch.NewDisposeScope();
        var (model, config) = Build(c);
        using var _m = model;
        model.eval();   // BatchNorm with running statistics: the fixture's scores are train-mode, so compare against our forward too
        using var noGrad = torch.no_grad();
        var folded = model.ScoringEmbedding(T($"{c}.vecs"));
        Assert.Equal(new long[] { T($"{c}.vecs").size(0), config.FeatureDim }, folded.shape);   // no constant channel
        foreach (var (name, theta) in new[] { ("concatenated", model.LabelEmbedding(T($"{c}.vecs"))), ("folded", folded) })
        {
            var scores = model.Scores(T($"{c}.feats"), theta);
            Close(model.forward(T($"{c}.feats"), T($"{c}.vecs")).Scores, scores, $"{name} scores (eval)");
            if (c != "conv") Close(T($"{c}.scores"), scores, $"{name} scores");   // no BatchNorm: eval and train forward are the same
        }
    }

    [Fact]
    public void Scores_refuse_a_label_embedding_of_another_width_naming_both_accepted_shapes()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new LesaModel(new LesaConfig { Modules = 2, FeatureDim = 4, AttentionHidden = 3, WordDim = 5, GridHeight = 2, GridWidth = 2 });
        var ex = Assert.Throws<ArgumentException>(() => model.Scores(torch.zeros(2, 4, 4), torch.zeros(3, 6)));
        Assert.Contains("θ must be [C, 4] (ScoringEmbedding) or [C, 5] (LabelEmbedding), got [3, 6]", ex.Message);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Each_loss_matches_the_pytorch_twin_on_its_outputs(string c)
    {
        using var scope = torch.NewDisposeScope();
        var y = T($"{c}.labels");
        var s = T($"{c}.scores");
        Close(T($"{c}.loss.rank"), RankingLoss.Compute(s, y), "rank");
        Close(T($"{c}.loss.rank_all_pairs"), RankingLoss.Compute(s, y, normalization: RankNormalization.AllPairs), "rank (all pairs)");
        Close(T($"{c}.loss.rank_positive_columns"), RankingLoss.Compute(s, y, presentColumnsOnly: true), "rank (positive columns)");
        Close(T($"{c}.loss.dist"), AttentionDistributionLoss.Compute(T($"{c}.module_scores"), y), "dist");
        Close(T($"{c}.loss.div"), AttentionDiversityLoss.Compute(T($"{c}.logits")), "div");
        Close(T($"{c}.loss.rel"), AttentionRelevanceLoss.Compute(s, T($"{c}.global_scores"), y), "rel");
        Close(T($"{c}.loss.rel_margin"), AttentionRelevanceLoss.Compute(s, T($"{c}.global_scores"), y, margin: 0.25), "rel (margin 0.25)");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Total_loss_and_gradients_match_the_pytorch_twin(string c)
    {
        using var scope = torch.NewDisposeScope();
        var (model, config) = Build(c);
        using var _m = model;
        var feats = T($"{c}.feats").clone().requires_grad_();
        var terms = LesaObjective.Compute(model.forward(feats, T($"{c}.vecs")), T($"{c}.labels"), config, model);
        Close(T($"{c}.loss.total"), terms.Total, "total");
        terms.Total.backward();
        foreach (var (name, p) in model.named_parameters())
            Close(T($"{c}.grad.{name}"), p.grad ?? throw new InvalidOperationException($"no gradient for {name}"), $"grad {name}");
        Close(T($"{c}.grad.feats"), feats.grad!, "grad feats");
        if (config.UseConv)
        {
            var buffers = model.named_buffers().ToDictionary(x => x.name, x => x.buffer);
            Close(T($"{c}.after.bn.running_mean"), buffers["bn.running_mean"], "bn.running_mean");
            Close(T($"{c}.after.bn.running_var"), buffers["bn.running_var"], "bn.running_var");
        }
    }

    [Fact]
    public void Rank_loss_gets_a_positive_value_for_the_fixture_image_with_one_positive_ranked_low()
    {
        // Guards the fixture against degenerate all-zero losses: the parity tests compare something non-trivial.
        using var scope = torch.NewDisposeScope();
        foreach (var c in new[] { "conv", "plain", "paper", "single" })
        {
            Assert.True(T($"{c}.loss.rank").item<float>() > 0.1f, c);
            Assert.True(T($"{c}.loss.rel").item<float>() > 0, c);
        }
    }

    [Fact]
    public void Fixture_separates_the_official_rank_loss_from_the_positive_columns_reading()
    {
        // Column 0 of every fixture case has negatives only: the official loss keeps it, so the two forms must differ,
        // and the default of RankingLoss must reproduce the official one.
        using var scope = torch.NewDisposeScope();
        foreach (var c in new[] { "conv", "plain", "paper", "single" })
        {
            var official = T($"{c}.loss.rank").item<float>();
            Assert.True(Math.Abs(official - T($"{c}.loss.rank_positive_columns").item<float>()) > 1e-3, c);
            Assert.Equal(official, RankingLoss.Compute(T($"{c}.scores"), T($"{c}.labels")).item<float>(), 5);
        }
    }

    [Fact]
    public void Objective_without_the_model_refuses_a_conv_weight_decay_it_cannot_apply()
    {
        using var scope = torch.NewDisposeScope();
        var (model, config) = Build("conv");
        using var _m = model;
        var output = model.forward(T("conv.feats"), T("conv.vecs"));
        var ex = Assert.Throws<ArgumentException>(() => LesaObjective.Compute(output, T("conv.labels"), config));
        Assert.Contains("ConvWeightDecay", ex.Message);
    }

    [Fact]
    public void Forward_rejects_features_of_the_wrong_shape_naming_it()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new LesaModel(new LesaConfig { Modules = 2, FeatureDim = 4, AttentionHidden = 3, WordDim = 5, GridHeight = 2, GridWidth = 2 });
        var ex = Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(2, 5, 4), torch.zeros(3, 5)));
        Assert.Contains("[2, 5, 4]", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(2, 4, 4), torch.zeros(3, 6)));
        Assert.Contains("[3, 6]", ex2.Message);
    }

    /// <summary>A small model (its constructor draws from the global generator; the inputs below draw nothing).</summary>
    private static LesaModel Small() =>
        new(new LesaConfig { Modules = 2, FeatureDim = 4, AttentionHidden = 3, WordDim = 5, GridHeight = 2, GridWidth = 2 });

    [Fact]
    public void Forward_scores_and_label_embedding_refuse_inputs_of_another_dtype_naming_the_models()
    {
        using var scope = torch.NewDisposeScope();
        using var model = Small();
        var x = torch.zeros(2, 4, 4);
        var v = torch.ones(3, 5);
        var ex = Assert.Throws<ArgumentException>(() => model.forward(x.to(ScalarType.Float64), v));
        Assert.Contains("LesaModel.forward: features must be float32 (the model's dtype), got float64", ex.Message);
        Assert.Equal("features", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => model.forward(x.to(ScalarType.Int64), v));
        Assert.Contains("features must be float32 (the model's dtype), got int64", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.forward(x, v.to(ScalarType.Float64)));
        Assert.Contains("LesaModel.forward: label vectors must be float32 (the model's dtype), got float64", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.LabelEmbedding(v.to(ScalarType.Int64)));
        Assert.Contains("LesaModel.LabelEmbedding: label vectors must be float32 (the model's dtype), got int64", ex.Message);
        var theta = model.ScoringEmbedding(v);
        ex = Assert.Throws<ArgumentException>(() => model.Scores(x.to(ScalarType.Float64), theta));
        Assert.Contains("LesaModel.Scores: features must be float32 (the model's dtype), got float64", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.Scores(x, theta.to(ScalarType.Float64)));
        Assert.Contains("LesaModel.Scores: θ must be float32 (the model's dtype), got float64", ex.Message);
    }

    [Fact]
    public void A_float64_model_takes_float64_inputs_and_refuses_float32_ones()
    {
        // The dtype rule is the parameters' dtype, not float32.
        using var scope = torch.NewDisposeScope();
        using var model = Small();
        model.to(ScalarType.Float64);
        var x = torch.ones([2, 4, 4], ScalarType.Float64);
        var v = torch.ones([3, 5], ScalarType.Float64);
        Assert.Equal(new long[] { 2, 3 }, model.forward(x, v).Scores.shape);
        var ex = Assert.Throws<ArgumentException>(() => model.forward(x.to(ScalarType.Float32), v));
        Assert.Contains("features must be float64 (the model's dtype), got float32", ex.Message);
    }

    [Fact]
    public void Under_bf16_autocast_a_float32_model_takes_float32_features_and_a_bf16_theta_and_names_both_dtypes_otherwise()
    {
        using var scope = torch.NewDisposeScope();
        using var model = Small();
        var x = torch.ones(2, 4, 4);
        var v = torch.ones(3, 5);
        using (torch.autocast("cpu", torch.bfloat16))
        {
            var theta = model.LabelEmbedding(v);                                   // computed in the scope: bf16
            Assert.Equal(ScalarType.BFloat16, theta.dtype);
            Assert.Equal(new long[] { 2, 3 }, model.forward_embedded(x, theta).Scores.shape);
            Assert.Equal(new long[] { 2, 3 }, model.Scores(x, theta).shape);
            var ex = Assert.Throws<ArgumentException>(() => model.forward(x.to(ScalarType.Float64), v));
            Assert.Contains("features must be float32 or bfloat16 (autocast) (the model's dtype), got float64", ex.Message);
        }
    }

    [Fact]
    public void Forward_embedded_refuses_a_theta_of_another_shape_as_scores_does()
    {
        using var scope = torch.NewDisposeScope();
        using var model = Small();
        var x = torch.zeros(2, 4, 4);
        var ex = Assert.Throws<ArgumentException>(() => model.forward_embedded(x, torch.zeros(6, 3)));
        Assert.Contains("LesaModel.forward_embedded: θ must be [C, 5] (LabelEmbedding), got [6, 3]", ex.Message);
        Assert.Equal("theta", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => model.forward_embedded(x, torch.zeros(5)));
        Assert.Contains("got [5]", ex.Message);
        // The folded θ of ScoringEmbedding ([C, D]) serves Scores only.
        ex = Assert.Throws<ArgumentException>(() => model.forward_embedded(x, model.ScoringEmbedding(torch.ones(3, 5))));
        Assert.Contains("θ must be [C, 5] (LabelEmbedding), got [3, 4]", ex.Message);
        Assert.Throws<ArgumentNullException>(() => model.forward_embedded(x, null!));
    }

    [Fact]
    public void Objective_validates_its_config_and_refuses_one_of_another_module_count()
    {
        using var scope = torch.NewDisposeScope();
        using var model = Small();
        var output = model.forward(torch.ones(2, 4, 4), torch.ones(3, 5));
        var labels = torch.tensor<float>([1f, -1f, 0f, -1f, 1f, 1f], [2, 3]);
        var ex = Assert.Throws<ArgumentException>(() => LesaObjective.Compute(output, labels, model.Config with { LambdaRel = -5 }));
        Assert.Contains("LesaConfig.LambdaRel = -5: must be finite and >= 0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => LesaObjective.Compute(output, labels, model.Config with { Modules = 1 }));
        Assert.Contains("config.Modules = 1 does not match the output's module scores [2, 2, 3]", ex.Message);
        Assert.NotNull(LesaObjective.Compute(output, labels, model.Config).Dist);
        // Without a positives bound the objective reads it from the labels, and checks their values in that read.
        ex = Assert.Throws<ArgumentException>(() => LesaObjective.Compute(output, labels * 2, model.Config));
        Assert.Contains("RankingLoss: labels must hold -1, 0 or 1 (found 2 at [0, 0])", ex.Message);
    }
}
