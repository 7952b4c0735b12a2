// LesaBaselineParityTests.cs - LESA's Table 1 baselines against independent PyTorch re-implementations
// (tests/fixtures/lesa/gen_baselines.py, torch 1.13) on identical weights and inputs: inference scores over seen and
// unseen labels, the training loss and its terms over the seen labels, and the gradient of every parameter.
// Tolerance 1e-5 relative to (1 + |reference|).
using ZslKit.Models;
using ZslKit.Models.Baselines;
using ZslKit.Torch;

namespace ZslKit.Tests.Models;

public class LesaBaselineParityTests
{
    private const int Seen = 7, Dim = 5, WordDim = 4, Hidden = 6, Modules = 3;
    private static readonly ParityFixture Fixture = new("baselines.safetensors");

    private static Tensor T(string name) => Fixture[name];

    public static TheoryData<string> Models => new() { "attention_per_label", "attention_per_cluster", "fast0tag", "labelem", "conse" };

    private static ILesaTrainable Build(string name)
    {
        var seen = T("vecs").narrow(0, 0, Seen);
        ILesaTrainable model = name switch
        {
            "attention_per_label" => new OneAttentionPerLabel(Dim, WordDim, Hidden),
            "attention_per_cluster" => new OneAttentionPerCluster(
                new LesaConfig { Modules = Modules, FeatureDim = Dim, AttentionHidden = Hidden, WordDim = WordDim, GridHeight = 2, GridWidth = 3 }, seen),
            "fast0tag" => new Fast0Tag(Dim, WordDim, Hidden),
            "labelem" => new LabelEm(Dim, WordDim),
            "conse" => new Conse(Dim, seen, top: 3),
            _ => throw new ArgumentException(name),
        };
        model.Module.load_state_dict(Fixture.StateDict($"{name}.w."), strict: true);
        return model;
    }

    private static void Close(Tensor expected, Tensor actual, string what) => ParityFixture.Close(expected, actual, what);

    [Theory, MemberData(nameof(Models))]
    public void Inference_scores_over_seen_and_unseen_labels_match_the_pytorch_reference(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var model = Build(name);
        using var noGrad = torch.no_grad();
        Close(T($"{name}.scores"), model.Scores(T("feats"), model.EmbedLabels(T("vecs"))), $"{name} scores");
    }

    [Theory, MemberData(nameof(Models))]
    public void Training_loss_terms_and_gradients_match_the_pytorch_reference(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var model = Build(name);
        var breakdown = model.LossBreakdown(T("feats"), T("labels"), T("vecs").narrow(0, 0, Seen));
        Close(T($"{name}.loss.total"), breakdown.Total, $"{name} total loss");
        foreach (var (term, value) in breakdown.Terms) Close(T($"{name}.loss.{term}"), value, $"{name} loss term {term}");
        breakdown.Total.backward();
        var prefix = $"{name}.grad.";
        var expected = Fixture.All.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Count, model.Module.named_parameters().Count());
        foreach (var (parameter, tensor) in model.Module.named_parameters())
        {
            using var grad = tensor.grad ?? throw new InvalidOperationException($"{name}: no gradient for {parameter}");
            Close(T(prefix + parameter), grad, $"{name} gradient of {parameter}");
        }
    }
}
