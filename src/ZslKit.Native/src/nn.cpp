// nn.cpp - torch.nn.functional operations and torch.nn.init initialisers.
#include "internal.h"

using zsl::opt;
using zsl::T;
using zsl::wrap;

namespace {
at::Tensor& M(const zsl_tensor* h) { return const_cast<at::Tensor&>(T(h)); }
std::vector<int64_t> two(const int64_t* v) { return zsl::ints(v, 2); }

torch::nn::init::FanModeType fan_mode(int32_t m) {
  if (m == 0) return torch::kFanIn;
  if (m == 1) return torch::kFanOut;
  throw std::invalid_argument("unknown fan mode " + std::to_string(m));
}
torch::nn::init::NonlinearityType nonlinearity(int32_t n) {
  switch (n) {
    case 0: return torch::kLeakyReLU;
    case 1: return torch::kReLU;
    case 2: return torch::kLinear;
    case 3: return torch::kTanh;
    case 4: return torch::kSigmoid;
    default: throw std::invalid_argument("unknown nonlinearity " + std::to_string(n));
  }
}

at::Tensor interpolate(const at::Tensor& x, const int64_t* size, int32_t has_size, double sh, double sw, int32_t mode,
                       int32_t align_corners) {
  namespace F = torch::nn::functional;
  auto o = F::InterpolateFuncOptions();
  if (has_size) {
    o = o.size(two(size));
  } else {
    o = o.scale_factor(std::vector<double>{sh, sw});
  }
  if (mode == 0) {
    o = o.mode(torch::kNearest);
  } else if (mode == 1) {
    o = o.mode(torch::kBilinear).align_corners(align_corners != 0);
  } else {
    throw std::invalid_argument("unknown interpolation mode " + std::to_string(mode));
  }
  return F::interpolate(x, o);
}

at::Tensor pad(const at::Tensor& x, const int64_t* pads, int32_t npads, int32_t mode, double value) {
  namespace F = torch::nn::functional;
  auto o = F::PadFuncOptions(zsl::ints(pads, npads));
  switch (mode) {
    case 0: o = o.mode(torch::kConstant).value(value); break;
    case 1: o = o.mode(torch::kReflect); break;
    case 2: o = o.mode(torch::kReplicate); break;
    case 3: o = o.mode(torch::kCircular); break;
    default: throw std::invalid_argument("unknown pad mode " + std::to_string(mode));
  }
  return F::pad(x, o);
}

int64_t reduction(int32_t r) {
  if (r < 0 || r > 2) throw std::invalid_argument("unknown reduction " + std::to_string(r));
  return r == 0 ? at::Reduction::None : (r == 1 ? at::Reduction::Mean : at::Reduction::Sum);
}
}  // namespace

ZSL_OP(zsl_linear(const zsl_tensor* x, const zsl_tensor* w, const zsl_tensor* b), at::linear(T(x), T(w), opt(b)))
ZSL_OP(zsl_conv2d(const zsl_tensor* x, const zsl_tensor* w, const zsl_tensor* b, const int64_t* stride,
                  const int64_t* padding, const int64_t* dilation, int64_t groups),
       at::conv2d(T(x), T(w), opt(b), two(stride), two(padding), two(dilation), groups))
ZSL_OP(zsl_max_pool2d(const zsl_tensor* x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                      const int64_t* dilation, int32_t ceil_mode),
       at::max_pool2d(T(x), two(kernel), two(stride), two(padding), two(dilation), ceil_mode != 0))
ZSL_OP(zsl_adaptive_avg_pool2d(const zsl_tensor* x, const int64_t* output_size),
       at::adaptive_avg_pool2d(T(x), two(output_size)))
ZSL_OP(zsl_batch_norm(const zsl_tensor* x, const zsl_tensor* weight, const zsl_tensor* bias,
                      const zsl_tensor* running_mean, const zsl_tensor* running_var, int32_t training, double momentum,
                      double eps),
       at::batch_norm(T(x), opt(weight), opt(bias), opt(running_mean), opt(running_var), training != 0, momentum, eps,
                      /*cudnn_enabled=*/true))
ZSL_OP(zsl_layer_norm(const zsl_tensor* x, const int64_t* shape, int32_t ndim, const zsl_tensor* weight,
                      const zsl_tensor* bias, double eps),
       at::layer_norm(T(x), zsl::ints(shape, ndim), opt(weight), opt(bias), eps, /*cudnn_enable=*/true))
ZSL_OP(zsl_dropout(const zsl_tensor* x, double p, int32_t training), at::dropout(T(x), p, training != 0))
ZSL_OP(zsl_embedding(const zsl_tensor* weight, const zsl_tensor* indices, int64_t padding_idx),
       at::embedding(T(weight), T(indices), padding_idx))
ZSL_OP(zsl_interpolate(const zsl_tensor* x, const int64_t* size, int32_t has_size, double sh, double sw, int32_t mode,
                       int32_t align_corners),
       interpolate(T(x), size, has_size, sh, sw, mode, align_corners))
ZSL_OP(zsl_grid_sample(const zsl_tensor* x, const zsl_tensor* grid, int32_t mode, int32_t padding_mode,
                       int32_t align_corners),
       at::grid_sampler(T(x), T(grid), mode, padding_mode, align_corners != 0))
ZSL_OP(zsl_affine_grid(const zsl_tensor* theta, const int64_t* size, int32_t ndim, int32_t align_corners),
       at::affine_grid_generator(T(theta), zsl::ints(size, ndim), align_corners != 0))
ZSL_OP(zsl_pad(const zsl_tensor* x, const int64_t* pads, int32_t npads, int32_t mode, double value),
       pad(T(x), pads, npads, mode, value))
ZSL_OP(zsl_normalize(const zsl_tensor* x, double p, int64_t dim, double eps),
       torch::nn::functional::normalize(T(x), torch::nn::functional::NormalizeFuncOptions().p(p).dim(dim).eps(eps)))
ZSL_OP(zsl_cross_entropy(const zsl_tensor* x, const zsl_tensor* target, const zsl_tensor* weight, int32_t reduction_,
                         int64_t ignore_index, double label_smoothing),
       at::cross_entropy_loss(T(x), T(target), opt(weight), reduction(reduction_), ignore_index, label_smoothing))
ZSL_OP(zsl_binary_cross_entropy_with_logits(const zsl_tensor* x, const zsl_tensor* target, const zsl_tensor* weight,
                                            const zsl_tensor* pos_weight, int32_t reduction_),
       at::binary_cross_entropy_with_logits(T(x), T(target), opt(weight), opt(pos_weight), reduction(reduction_)))

ZSL_OP(zsl_avg_pool2d(const zsl_tensor* x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                      int32_t ceil_mode, int32_t count_include_pad),
       at::avg_pool2d(T(x), two(kernel), two(stride), two(padding), ceil_mode != 0, count_include_pad != 0, c10::nullopt))
ZSL_OP(zsl_one_hot(const zsl_tensor* x, int64_t num_classes), at::one_hot(T(x), num_classes))
ZSL_OP(zsl_cosine_similarity(const zsl_tensor* a, const zsl_tensor* b, int64_t dim, double eps),
       at::cosine_similarity(T(a), T(b), dim, eps))
ZSL_OP(zsl_mse_loss(const zsl_tensor* x, const zsl_tensor* target, int32_t reduction_),
       at::mse_loss(T(x), T(target), reduction(reduction_)))
ZSL_OP(zsl_l1_loss(const zsl_tensor* x, const zsl_tensor* target, int32_t reduction_),
       at::l1_loss(T(x), T(target), reduction(reduction_)))
ZSL_OP(zsl_nll_loss(const zsl_tensor* x, const zsl_tensor* target, const zsl_tensor* weight, int32_t reduction_,
                    int64_t ignore_index),
       at::nll_loss(T(x), T(target), opt(weight), reduction(reduction_), ignore_index))

ZSL_INPLACE(zsl_init_kaiming_uniform_(const zsl_tensor* t, double a, int32_t fan, int32_t nl),
            torch::nn::init::kaiming_uniform_(M(t), a, fan_mode(fan), nonlinearity(nl)))
ZSL_INPLACE(zsl_init_kaiming_normal_(const zsl_tensor* t, double a, int32_t fan, int32_t nl),
            torch::nn::init::kaiming_normal_(M(t), a, fan_mode(fan), nonlinearity(nl)))
ZSL_INPLACE(zsl_init_xavier_uniform_(const zsl_tensor* t, double gain), torch::nn::init::xavier_uniform_(M(t), gain))
ZSL_INPLACE(zsl_init_uniform_(const zsl_tensor* t, double lo, double hi), torch::nn::init::uniform_(M(t), lo, hi))
ZSL_INPLACE(zsl_init_normal_(const zsl_tensor* t, double mean, double std), torch::nn::init::normal_(M(t), mean, std))
ZSL_INPLACE(zsl_init_constant_(const zsl_tensor* t, double value), torch::nn::init::constant_(M(t), value))
ZSL_API int32_t zsl_init_fans(const zsl_tensor* t, int64_t* fan_in, int64_t* fan_out) {
  ZSL_TRY
  auto f = torch::nn::init::_calculate_fan_in_and_fan_out(T(t));
  *fan_in = std::get<0>(f);
  *fan_out = std::get<1>(f);
  return 0;
  ZSL_CATCH(-1)
}
