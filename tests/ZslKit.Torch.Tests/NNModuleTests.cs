// NNModuleTests.cs - nn modules against PyTorch (fixture tests/fixtures/engine/nn.safetensors from gen_nn.py):
// state_dict names and shapes, default initialisation under the same seed, eval/train forward (BatchNorm running
// stats, dropout mask), parameter gradients, load_state_dict errors, containers and module utilities.
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;
using static ZslKit.Torch.torch;

namespace ZslKit.Torch.Tests;

/// <summary>The C# twin of gen_nn.py's TinyNet (same registration and construction order).</summary>
internal sealed class TinyNet : Module<(Tensor x, Tensor idx), (Tensor, Tensor)>
{
    private readonly Sequential features = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding: 1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride: 1, padding: 0, bias: false), nn.GELU(), nn.AdaptiveAvgPool2d(1), nn.Flatten());
    private readonly LayerNorm norm = nn.LayerNorm(6);
    private readonly ModuleList heads = nn.ModuleList(nn.Linear(6, 5), nn.Linear(6, 3, hasBias: false));
    private readonly Embedding emb = nn.Embedding(10, 6, padding_idx: 0);
    private readonly Dropout drop = nn.Dropout(0.25);
    private readonly Tanh act = nn.Tanh();

    public TinyNet() : base(nameof(TinyNet)) => RegisterComponents();

    public override (Tensor, Tensor) forward((Tensor x, Tensor idx) input)
    {
        var f = features.call(input.x);                         // (N, 3, 8, 8) -> (N, 6)
        f = norm.call(f);
        f = drop.call(f) + emb.call(input.idx);                 // idx (N,) -> (N, 6)
        f = act.call(f);
        return (((Linear)heads[0]).call(f), ((Linear)heads[1]).call(f));  // (N, 5), (N, 3)
    }
}

public class NNModuleTests
{
    private static readonly Lazy<SafeTensorsContent> Fixture = new(() => SafeTensors.Read(RepoPaths.Fixture("engine", "nn.safetensors")));

    private static TensorData D(string name) => Fixture.Value.Tensors[name];

    private static Dictionary<string, Tensor> Prefixed(string prefix) =>
        Fixture.Value.Tensors.Where(kv => kv.Key.StartsWith(prefix)).ToDictionary(kv => kv.Key[prefix.Length..], kv => from_data(kv.Value));

    [Fact]
    public void State_dict_names_and_shapes_equal_pytorch_for_the_same_architecture()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var names = Fixture.Value.Metadata!["names"].Split(';');
        var shapes = Fixture.Value.Metadata!["shapes"].Split(';');
        var state = net.state_dict();
        Assert.Equal(names, state.Keys);
        for (var i = 0; i < names.Length; i++)
            Assert.Equal(shapes[i], string.Join(",", state[names[i]].shape));
        Assert.Equal(ScalarType.Int64, state["features.1.num_batches_tracked"].dtype);
        Assert.Equal(11, net.parameters().Count());
        Assert.Equal(3, net.buffers().Count());
    }

    [Fact]
    public void Default_initialisation_matches_pytorch_under_the_same_seed()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var net = new TinyNet();
        foreach (var (name, t) in net.state_dict())
            OpParityTests.AssertClose(D($"init/{name}"), t, $"init/{name}");
    }

    [Fact]
    public void Eval_forward_matches_pytorch_with_loaded_weights()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        net.load_state_dict(Prefixed("state/"));
        net.eval();
        Assert.DoesNotContain(net.named_modules(), m => m.module.training);
        using var noGrad = no_grad();
        var (y0, y1) = net.call((from_data(D("x")), from_data(D("idx"))));
        OpParityTests.AssertClose(D("eval/out0"), y0, "eval/out0");
        OpParityTests.AssertClose(D("eval/out1"), y1, "eval/out1");
        Assert.Equal(3L, net.state_dict()["features.1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void Train_forward_updates_batchnorm_statistics_and_gradients_as_pytorch()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        net.load_state_dict(Prefixed("state/"));
        net.train();
        manual_seed(5);
        var (y0, y1) = net.call((from_data(D("x")), from_data(D("idx"))));
        OpParityTests.AssertClose(D("train/out0"), y0, "train/out0");
        OpParityTests.AssertClose(D("train/out1"), y1, "train/out1");
        var loss = (y0 * from_data(D("w0"))).sum() + (y1 * from_data(D("w1"))).sum();
        loss.backward();
        var state = net.state_dict();
        foreach (var name in new[] { "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked" })
            OpParityTests.AssertClose(D($"train/{name}"), state[name], $"train/{name}");
        foreach (var (name, p) in net.named_parameters())
            OpParityTests.AssertClose(D($"train/grad/{name}"), p.grad!, $"grad/{name}");
        net.zero_grad();
        Assert.All(net.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Load_state_dict_names_missing_unexpected_and_mismatched_keys()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var state = Prefixed("state/");
        state.Remove("norm.bias");
        state["extra.weight"] = zeros(2);
        var e = Assert.Throws<ArgumentException>(() => net.load_state_dict(state));
        Assert.Contains("missing keys: norm.bias", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        var (missing, unexpected) = net.load_state_dict(state, strict: false);
        Assert.Equal(["norm.bias"], missing);
        Assert.Equal(["extra.weight"], unexpected);
        state["heads.0.weight"] = zeros(5, 7);
        e = Assert.Throws<ArgumentException>(() => net.load_state_dict(state, strict: false));
        Assert.Contains("size mismatch for 'heads.0.weight'", e.Message);
        Assert.Contains("[5, 7]", e.Message);
        Assert.Contains("[5, 6]", e.Message);
    }

    [Fact]
    public void Save_and_load_round_trip_a_module_through_safetensors()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(Directory.CreateTempSubdirectory("zsl-nn").FullName, "net.safetensors");
        using var a = new TinyNet();
        a.load_state_dict(Prefixed("state/"));
        a.save(path);
        using var b = new TinyNet();
        b.load(path);
        foreach (var (name, t) in b.state_dict())
            Assert.Equal(a.state_dict()[name].ToData().Data, t.ToData().Data);
        Assert.Equal(Fixture.Value.Metadata!["names"].Split(';'), SafeTensors.Read(path).Tensors.Keys);
        File.Delete(path);
    }

    [Fact]
    public void Sequential_and_ModuleList_name_children_by_position_and_run_in_order()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var seq = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));
        Assert.Equal(["", "0", "1", "2"], seq.named_modules().Select(m => m.name));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.named_parameters().Select(p => p.name));
        var x = randn(5, 4);
        var manual = ((Linear)seq[2]).call(((Linear)seq[0]).call(x).relu());
        Assert.Equal(manual.ToArray<float>(), seq.call(x).ToArray<float>());
        using var named = nn.Sequential(("fc", nn.Linear(2, 2)), ("act", nn.Tanh()));
        Assert.Equal(["fc.weight", "fc.bias"], named.state_dict().Keys);
        using var list = nn.ModuleList(nn.Linear(2, 2), nn.LayerNorm(2));
        Assert.Equal(2, list.Count);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], list.state_dict().Keys);
    }

    [Fact]
    public void Parameters_survive_scopes_and_module_dispose_frees_them()
    {
        Linear layer;
        using (var scope = NewDisposeScope())
        {
            layer = nn.Linear(3, 2);
            _ = layer.call(ones(1, 3));
        }
        Assert.False(layer.weight.IsDisposed);
        Assert.True(layer.weight.requires_grad);
        Assert.True(layer.weight.is_leaf);
        layer.Dispose();
        Assert.True(layer.weight.IsDisposed);
        Assert.True(layer.bias!.IsDisposed);
    }

    [Fact]
    public void Module_to_dtype_converts_parameters_in_place_and_keeps_integer_buffers()
    {
        using var scope = NewDisposeScope();
        using var bn = nn.BatchNorm2d(3);
        var weight = bn.weight!;
        bn.to(float64);
        Assert.Same(weight, bn.weight);
        Assert.Equal(ScalarType.Float64, bn.weight!.dtype);
        Assert.Equal(ScalarType.Float64, bn.running_mean!.dtype);
        Assert.Equal(ScalarType.Int64, bn.num_batches_tracked!.dtype);
        Assert.True(bn.weight.requires_grad);
        Assert.Equal([1L, 3L, 2L, 2L], bn.call(randn([1, 3, 2, 2], float64)).shape);
    }

    private class Block : Module<Tensor, Tensor>
    {
        private readonly Linear first = nn.Linear(2, 2);
        protected Block(string name) : base(name) { }
        public Block() : this(nameof(Block)) => RegisterComponents();
        public override Tensor forward(Tensor input) => first.call(input);
    }

    private sealed class DerivedBlock : Block
    {
        private readonly Linear _second = nn.Linear(2, 1);
        private readonly Tensor scale = ones(1);
        public DerivedBlock() : base(nameof(DerivedBlock)) => RegisterComponents();
        public override Tensor forward(Tensor input) => _second.call(base.forward(input)) * scale;
    }

    [Fact]
    public void RegisterComponents_registers_base_class_fields_first_and_tensors_as_buffers()
    {
        using var scope = NewDisposeScope();
        using var block = new DerivedBlock();
        // PyTorch order: the module's own parameters and buffers, then its children in registration order.
        Assert.Equal(["scale", "first.weight", "first.bias", "second.weight", "second.bias"], block.state_dict().Keys);
        Assert.Equal(["", "first", "second"], block.named_modules().Select(m => m.name));
        Assert.Equal(["scale"], block.named_buffers().Select(b => b.name));
        Assert.Equal([3L, 1L], block.call(ones(3, 2)).shape);
    }

    [Fact]
    public void Module_to_dtype_also_converts_existing_gradients()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(3, 2);
        fc.call(ones(4, 3)).sum().backward();
        fc.to(float64);
        Assert.Equal(ScalarType.Float64, fc.weight.grad!.dtype);
        Assert.Equal(new double[] { 4, 4 }, fc.bias!.grad!.ToArray<double>());
    }

    [Fact]
    public void Module_inputs_of_the_wrong_rank_raise_clear_errors()
    {
        using var scope = NewDisposeScope();
        using var bn = nn.BatchNorm2d(3);
        Assert.Throws<ArgumentException>(() => bn.call(zeros(3, 3)));
        using var fc = nn.Linear(4, 2);
        Assert.StartsWith("linear: ", Assert.Throws<TorchException>(() => fc.call(zeros(2, 5))).Message);
    }
}

public class InPlaceReluTests
{
    [Fact]
    public void Relu_in_place_overwrites_the_tensor_with_relu_values_and_returns_it()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { -2f, -0f, 0.5f, float.NaN, 3f }.AsSpan(), [5]);
        var expected = x.relu().ToArray<float>();
        var same = x.relu_();
        Assert.Same(x, same);
        Assert.Equal(expected, x.ToArray<float>());
        Assert.True(float.IsNaN(x.ToArray<float>()[3]));                               // NaN stays NaN, as torch.relu_
    }
}
