// OpParityTests.cs - every op of the binding against PyTorch 1.13 (fixture tests/fixtures/engine/ops.safetensors from
// gen_ops.py): outputs, and input gradients of sum_k (out_k * w_k).sum(). Tolerance: |a - b| <= 1e-5 + 1e-5 * |b|
// for float32 (the same libtorch computes both sides; only reduction order may differ), exact for integers and bools.
using ZslKit.Torch;
using ZslKit.Torch.Serialization;
using ZslKit.Testing;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch.Tests;

public class OpParityTests
{
    private const double Atol = 1e-5, Rtol = 1e-5;

    private static readonly Lazy<SafeTensorsContent> Fixture = new(() => SafeTensors.Read(RepoPaths.Fixture("engine", "ops.safetensors")));

    private static Tensor[] One(Tensor t) => [t];
    private static Tensor[] Two((Tensor a, Tensor b) p) => [p.a, p.b];

    private static Tensor[] Seeded(Func<Tensor> f)
    {
        torch.manual_seed(7);
        return [f()];
    }

    private static Tensor[] InPlace(Tensor a, Action<Tensor> f)
    {
        var y = a.clone();
        f(y);
        return [y];
    }

    /// <summary>The C# side of every fixture case: inputs -> outputs, written as a user would.</summary>
    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Ops = new()
    {
        // creation
        ["zeros"] = _ => One(torch.zeros(2, 3)),
        ["ones_int64"] = _ => One(torch.ones([2, 2], torch.int64)),
        ["full"] = _ => One(torch.full([2, 3], 2.5)),
        ["arange"] = _ => One(torch.arange(1.0, 3.0, 0.25)),
        ["arange_int"] = _ => One(torch.arange(10)),
        ["eye"] = _ => One(torch.eye(3, 4)),
        ["randn_seeded"] = _ => Seeded(() => torch.randn(3, 4)),
        ["rand_seeded"] = _ => Seeded(() => torch.rand(5)),
        ["zeros_like"] = x => One(torch.zeros_like(x[0])),
        ["ones_like"] = x => One(torch.ones_like(x[0])),
        ["to_float64"] = x => One(x[0].to(torch.float64)),
        ["to_int64"] = x => One((x[0] * 3).to(torch.int64)),
        // arithmetic
        ["add"] = x => One(x[0] + x[1]),
        ["add_alpha"] = x => One(x[0].add(x[1], alpha: 2.5)),
        ["sub"] = x => One(x[0] - x[1]),
        ["mul"] = x => One(x[0] * x[1]),
        ["div"] = x => One(x[0] / x[1]),
        ["add_scalar"] = x => One(x[0] + 1.5),
        ["sub_scalar"] = x => One(x[0] - 2),
        ["rsub_scalar"] = x => One(3 - x[0]),
        ["mul_scalar"] = x => One(x[0] * -0.5),
        ["div_scalar"] = x => One(x[0] / 4),
        ["rdiv_scalar"] = x => One(2 / x[0]),
        ["neg"] = x => One(-x[0]),
        ["pow_scalar"] = x => One(x[0].pow(3)),
        ["pow_tensor"] = x => One(x[0].pow(x[1])),
        ["int_add_scalar"] = x => One(x[0] + 2),
        // pointwise
        ["exp"] = x => One(x[0].exp()),
        ["log"] = x => One(x[0].log()),
        ["sqrt"] = x => One(x[0].sqrt()),
        ["abs"] = x => One(x[0].abs()),
        ["clamp"] = x => One(x[0].clamp(-0.5, 0.5)),
        ["clamp_min"] = x => One(x[0].clamp_min(0.1)),
        ["clamp_max"] = x => One(x[0].clamp(max: 0.2)),
        ["tanh"] = x => One(x[0].tanh()),
        ["sigmoid"] = x => One(x[0].sigmoid()),
        ["relu"] = x => One(x[0].relu()),
        ["gelu"] = x => One(F.gelu(x[0])),
        ["gelu_tanh"] = x => One(F.gelu(x[0], approximate: "tanh")),
        ["softmax"] = x => One(x[0].softmax(1)),
        ["softmax_dim0"] = x => One(x[0].softmax(0)),
        ["log_softmax"] = x => One(x[0].log_softmax(-1)),
        ["maximum"] = x => One(torch.maximum(x[0], x[1])),
        ["minimum"] = x => One(torch.minimum(x[0], x[1])),
        // comparisons and selection
        ["gt"] = x => One(x[0].gt(x[1])),
        ["lt_scalar"] = x => One(x[0].lt(0.1)),
        ["ge"] = x => One(x[0].ge(x[1])),
        ["le_scalar"] = x => One(x[0].le(0)),
        ["eq"] = x => One(x[0].eq(x[1])),
        ["ne_scalar"] = x => One(x[0].ne(2)),
        ["where"] = x => One(torch.where(x[0], x[1], x[2])),
        ["masked_fill"] = x => One(x[0].masked_fill(x[1], -1e4)),
        ["index_select"] = x => One(x[0].index_select(1, x[1])),
        ["narrow"] = x => One(x[0].narrow(1, 1, 2)),
        ["gather"] = x => One(x[0].gather(1, x[1])),
        ["scatter"] = x => One(x[0].scatter(1, x[1], x[2])),
        ["topk"] = x => Two(x[0].topk(2, dim: 1)),
        ["topk_smallest"] = x => Two(x[0].topk(3, dim: 0, largest: false)),
        ["sort"] = x => Two(x[0].sort(dim: 1)),
        ["sort_descending"] = x => Two(x[0].sort(dim: 0, descending: true)),
        ["cat"] = x => One(torch.cat([x[0], x[1]], 0)),
        ["cat_dim1"] = x => One(torch.cat([x[0], x[1], x[2]], 1)),
        ["stack"] = x => One(torch.stack([x[0], x[1]], 1)),
        // indexing
        ["index_int"] = x => One(x[0][1]),
        ["index_int_int"] = x => One(x[0][1, 2]),
        ["index_colon_int"] = x => One(x[0][.., 0]),
        ["index_negative"] = x => One(x[0][.., ^1]),
        ["index_slice"] = x => One(x[0][1..3]),
        ["index_slice_step"] = x => One(x[0][TensorIndex.Slice(0, 2), TensorIndex.Slice(1, null, 2)]),
        ["index_none"] = x => One(x[0][TensorIndex.None]),
        ["index_ellipsis"] = x => One(x[0][TensorIndex.Ellipsis, 1]),
        ["index_mask"] = x => One(x[0][x[1]]),
        ["index_tensor"] = x => One(x[0][TensorIndex.Tensor(x[1])]),
        // matrix products
        ["matmul"] = x => One(x[0].matmul(x[1])),
        ["matmul_batched"] = x => One(x[0].matmul(x[1])),
        ["matmul_vector"] = x => One(x[0].matmul(x[1])),
        ["mm"] = x => One(x[0].mm(x[1])),
        ["bmm"] = x => One(x[0].bmm(x[1])),
        ["einsum_bij_bjk"] = x => One(torch.einsum("bij,bjk->bik", x[0], x[1])),
        ["einsum_attention"] = x => One(torch.einsum("bnd,md->bnm", x[0], x[1])),
        // reductions
        ["sum"] = x => One(x[0].sum()),
        ["sum_dim"] = x => One(x[0].sum(1)),
        ["sum_dims_keepdim"] = x => One(x[0].sum([0, 2], keepdim: true)),
        ["mean"] = x => One(x[0].mean()),
        ["mean_dim_keepdim"] = x => One(x[0].mean(-1, keepdim: true)),
        ["amax"] = x => One(x[0].amax(1)),
        ["amin_dims"] = x => One(x[0].amin([0, 1])),
        ["prod"] = x => One(x[0].prod()),
        ["prod_dim"] = x => One(x[0].prod(1, keepdim: true)),
        ["std"] = x => One(x[0].std()),
        ["std_dim_biased"] = x => One(x[0].std(1, unbiased: false)),
        ["var"] = x => One(x[0].var(0, keepdim: true)),
        ["norm"] = x => One(x[0].norm()),
        ["norm_p1_dim"] = x => One(x[0].norm([1], p: 1)),
        ["max_all"] = x => One(x[0].max()),
        ["min_all"] = x => One(x[0].min()),
        ["max_dim"] = x => Two(x[0].max(1)),
        ["min_dim_keepdim"] = x => Two(x[0].min(0, keepdim: true)),
        ["argmax"] = x => One(x[0].argmax()),
        ["argmax_dim"] = x => One(x[0].argmax(1)),
        ["argmin_dim"] = x => One(x[0].argmin(0, keepdim: true)),
        // views
        ["reshape"] = x => One(x[0].reshape(4, -1)),
        ["view"] = x => One(x[0].view(3, 4)),
        ["permute"] = x => One(x[0].permute(2, 0, 1)),
        ["transpose"] = x => One(x[0].transpose(0, 2)),
        ["unsqueeze"] = x => One(x[0].unsqueeze(1)),
        ["squeeze"] = x => One(x[0].squeeze()),
        ["squeeze_dim"] = x => One(x[0].squeeze(1)),
        ["flatten"] = x => One(x[0].flatten(1)),
        ["expand"] = x => One(x[0].expand(3, 4)),
        ["contiguous"] = x => One(x[0].t().contiguous()),
        ["clone"] = x => One(x[0].clone()),
        // in place
        ["add_"] = x => InPlace(x[0], y => y.add_(x[1], alpha: -0.5)),
        ["add_scalar_"] = x => InPlace(x[0], y => y.add_(2)),
        ["mul_"] = x => InPlace(x[0], y => y.mul_(x[1])),
        ["mul_scalar_"] = x => InPlace(x[0], y => y.mul_(0.9)),
        ["addcmul_"] = x => InPlace(x[0], y => y.addcmul_(x[1], x[2], value: 0.1)),
        ["addcdiv_"] = x => InPlace(x[0], y => y.addcdiv_(x[1], x[2], value: -0.01)),
        ["sqrt_"] = x => InPlace(x[0], y => y.sqrt_()),
        ["zero_"] = x => InPlace(x[0], y => y.zero_()),
        ["copy_"] = x => InPlace(x[0], y => y.copy_(x[1])),
        ["fill_"] = x => InPlace(x[0], y => y.fill_(0.25)),
        // torch.nn.functional
        ["linear"] = x => One(F.linear(x[0], x[1], x[2])),
        ["linear_nobias"] = x => One(F.linear(x[0], x[1])),
        ["conv2d"] = x => One(F.conv2d(x[0], x[1], x[2], stride: (1, 1), padding: (1, 1))),
        ["conv2d_stride2_dilation"] = x => One(F.conv2d(x[0], x[1], null, stride: (2, 2), padding: (2, 2), dilation: (2, 2))),
        ["conv2d_groups"] = x => One(F.conv2d(x[0], x[1], x[2], groups: 2)),
        ["max_pool2d"] = x => One(F.max_pool2d(x[0], 2)),
        ["max_pool2d_stride_pad"] = x => One(F.max_pool2d(x[0], 3, stride: 2, padding: 1)),
        ["adaptive_avg_pool2d"] = x => One(F.adaptive_avg_pool2d(x[0], (2, 3))),
        ["adaptive_avg_pool2d_1"] = x => One(F.adaptive_avg_pool2d(x[0], 1)),
        ["batch_norm_eval"] = x => One(F.batch_norm(x[0], x[1], x[2], x[3], x[4], training: false, eps: 1e-5)),
        ["batch_norm_train"] = x =>
        {
            var (m, v) = (x[1].clone(), x[2].clone());
            var y = F.batch_norm(x[0], m, v, x[3], x[4], training: true, momentum: 0.2, eps: 1e-5);
            return [y, m, v];
        },
        ["layer_norm"] = x => One(F.layer_norm(x[0], [4], x[1], x[2], eps: 1e-5)),
        ["layer_norm_2d_noaffine"] = x => One(F.layer_norm(x[0], [3, 4])),
        ["dropout_eval"] = x => One(F.dropout(x[0], 0.5, training: false)),
        ["dropout_train_seeded"] = x => Seeded(() => F.dropout(x[0], 0.3, training: true)),
        ["interpolate_bilinear"] = x => One(F.interpolate(x[0], size: (5, 7), mode: InterpolationMode.Bilinear, align_corners: false)),
        ["interpolate_bilinear_align"] = x => One(F.interpolate(x[0], size: (5, 7), mode: InterpolationMode.Bilinear, align_corners: true)),
        ["interpolate_nearest_scale"] = x => One(F.interpolate(x[0], scale_factor: (2.0, 2.0), mode: InterpolationMode.Nearest)),
        ["grid_sample"] = x => One(F.grid_sample(x[0], x[1], GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false)),
        ["grid_sample_border_align"] = x => One(F.grid_sample(x[0], x[1], GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true)),
        ["affine_grid"] = x => One(F.affine_grid(x[0], [2, 3, 4, 5], align_corners: false)),
        ["affine_grid_align"] = x => One(F.affine_grid(x[0], [1, 1, 3, 3], align_corners: true)),
        ["pad_constant"] = x => One(F.pad(x[0], [1, 2, 0, 1], value: 0.5)),
        ["pad_reflect"] = x => One(F.pad(x[0], [2, 1, 1, 2], PaddingModes.Reflect)),
        ["pad_replicate"] = x => One(F.pad(x[0], [1, 1, 2, 0], PaddingModes.Replicate)),
        ["normalize"] = x => One(F.normalize(x[0], dim: 1)),
        ["normalize_p1_dim0"] = x => One(F.normalize(x[0], p: 1, dim: 0)),
        ["cross_entropy"] = x => One(F.cross_entropy(x[0], x[1])),
        ["cross_entropy_weight_sum"] = x => One(F.cross_entropy(x[0], x[1], weight: x[2], reduction: Reduction.Sum)),
        ["cross_entropy_ignore_smoothing"] = x => One(F.cross_entropy(x[0], x[1], ignore_index: 3, label_smoothing: 0.1)),
        ["cross_entropy_none"] = x => One(F.cross_entropy(x[0], x[1], reduction: Reduction.None)),
        ["bce_with_logits"] = x => One(F.binary_cross_entropy_with_logits(x[0], x[1])),
        ["bce_with_logits_pos_weight"] = x => One(F.binary_cross_entropy_with_logits(x[0], x[1], reduction: Reduction.Sum, pos_weight: x[2])),
        ["embedding"] = x => One(F.embedding(x[0], x[1])),
        // ABI 3 additions
        ["log1p"] = x => One(x[0].log1p()),
        ["sign"] = x => One(x[0].sign()),
        ["floor"] = x => One(x[0].floor()),
        ["ceil"] = x => One(x[0].ceil()),
        ["round"] = x => One(x[0].round()),
        ["sin"] = x => One(x[0].sin()),
        ["cos"] = x => One(x[0].cos()),
        ["erf"] = x => One(x[0].erf()),
        ["reciprocal"] = x => One(x[0].reciprocal()),
        ["isnan"] = x => One(x[0].isnan()),
        ["isfinite"] = x => One(x[0].isfinite()),
        ["logical_and"] = x => One(x[0].logical_and(x[1])),
        ["logical_or"] = x => One(x[0].logical_or(x[1])),
        ["leaky_relu"] = x => One(F.leaky_relu(x[0], 0.2)),
        ["softplus"] = x => One(F.softplus(x[0], beta: 2, threshold: 5)),
        ["cumsum"] = x => One(x[0].cumsum(1)),
        ["tril"] = x => One(x[0].tril()),
        ["triu_1"] = x => One(x[0].triu(1)),
        ["repeat"] = x => One(x[0].repeat(2, 1, 3)),
        ["masked_select"] = x => One(x[0].masked_select(x[1])),
        ["logsumexp"] = x => One(x[0].logsumexp(1)),
        ["logsumexp_dims_keepdim"] = x => One(x[0].logsumexp([0, 2], keepdim: true)),
        ["any"] = x => One(x[0].any()),
        ["any_dim"] = x => One(x[0].any(1)),
        ["all_dim_keepdim"] = x => One(x[0].all(0, keepdim: true)),
        ["chunk"] = x => x[0].chunk(3, 1),
        ["split"] = x => x[0].split(2, 0),
        ["randint_seeded"] = _ => Seeded(() => torch.randint(3, 10, [2, 5])),
        ["randperm_seeded"] = _ => Seeded(() => torch.randperm(12)),
        ["linspace"] = _ => One(torch.linspace(-1, 2, 7)),
        ["avg_pool2d"] = x => One(F.avg_pool2d(x[0], 2)),
        ["avg_pool2d_stride_pad_exclude"] = x => One(F.avg_pool2d(x[0], (3, 3), stride: (2, 2), padding: (1, 1), count_include_pad: false)),
        ["one_hot"] = x => One(F.one_hot(x[0], 5)),
        ["cosine_similarity"] = x => One(F.cosine_similarity(x[0], x[1], dim: 1)),
        ["cosine_similarity_broadcast"] = x => One(F.cosine_similarity(x[0], x[1], dim: -1)),
        ["mse_loss"] = x => One(F.mse_loss(x[0], x[1])),
        ["l1_loss_sum"] = x => One(F.l1_loss(x[0], x[1], Reduction.Sum)),
        ["nll_loss"] = x => One(F.nll_loss(x[0].log_softmax(1), x[1])),
        ["nll_loss_weight_ignore"] = x => One(F.nll_loss(x[0].log_softmax(1), x[1], weight: x[2], ignore_index: 0, reduction: Reduction.Sum)),
    };

    private static IEnumerable<string> FixtureCases() =>
        Fixture.Value.Metadata!["cases"].Split(',');

    public static TheoryData<string> Cases() => new(FixtureCases());

    [Fact]
    public void Every_fixture_case_has_a_CSharp_implementation_and_vice_versa()
    {
        var fixture = FixtureCases().ToHashSet();
        Assert.Empty(fixture.Except(Ops.Keys));
        Assert.Empty(Ops.Keys.Except(fixture));
        Assert.True(fixture.Count >= 190, $"only {fixture.Count} cases");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_matches_pytorch_output_and_input_gradients(string name)
    {
        using var scope = torch.NewDisposeScope();
        var stored = Fixture.Value.Tensors;
        var inputs = new List<Tensor>();
        for (var i = 0; stored.ContainsKey($"{name}/in{i}"); i++)
            inputs.Add(torch.from_data(stored[$"{name}/in{i}"], requires_grad: stored.ContainsKey($"{name}/grad{i}")));

        var outputs = Ops[name](inputs.ToArray());

        Tensor? loss = null;
        for (var k = 0; k < outputs.Length; k++)
        {
            Assert.True(stored.TryGetValue($"{name}/out{k}", out var expected), $"{name}: no stored output {k}");
            AssertClose(expected, outputs[k], $"{name}/out{k}");
            if (stored.TryGetValue($"{name}/w{k}", out var w))
            {
                var term = (outputs[k] * torch.from_data(w)).sum();
                loss = loss is null ? term : loss + term;
            }
        }
        Assert.False(stored.ContainsKey($"{name}/out{outputs.Length}"), $"{name}: fixture has more outputs than the C# op");
        if (loss is null)
        {
            Assert.DoesNotContain(stored.Keys, key => key.StartsWith($"{name}/grad"));
            return;
        }
        loss.backward();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!stored.TryGetValue($"{name}/grad{i}", out var g)) continue;
            var grad = inputs[i].grad ?? torch.zeros_like(inputs[i]);
            AssertClose(g, grad, $"{name}/grad{i}");
        }
    }

    internal static void AssertClose(TensorData expected, Tensor actual, string what)
    {
        Assert.Equal(expected.DType, actual.dtype);
        Assert.Equal(expected.Shape, actual.shape);
        using var e64 = torch.from_data(expected).to(torch.float64);
        using var a64 = actual.detach().to(torch.float64);
        var e = e64.ToArray<double>();
        var a = a64.ToArray<double>();
        var exact = expected.DType is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16);
        for (var j = 0; j < e.Length; j++)
        {
            var tol = exact ? 0 : Atol + Rtol * Math.Abs(e[j]);
            Assert.True(Math.Abs(a[j] - e[j]) <= tol, $"{what}[{j}]: expected {e[j]:R}, got {a[j]:R} (tolerance {tol:G3})");
        }
    }
}
