// optim.cpp - optimizer updates in one native call per step (SGD, RMSprop in PyTorch and TensorFlow-1 form, Adam,
// AdamW) and zero_grad over all parameters. The update math follows PyTorch 1.13's single-tensor (foreach=False)
// implementations op for op, so results match torch.optim to float rounding; TF-1 RMSProp follows
// tensorflow/core/kernels/training_ops.cc (ApplyRMSProp / ApplyCenteredRMSProp). Only at:: tensor ops are used (no
// torch::optim), so the file builds against libtorch 1.13 and 2.x alike. See docs/optim.md.
#include <cmath>

#include "internal.h"
#include "zslnative_optim.h"

using zsl::T;

namespace {

at::Tensor& M(const zsl_tensor* h) { return const_cast<at::Tensor&>(T(h)); }

// The state tensor of (parameter i, slot s), or a null pointer when the slot is unused.
struct StateTable {
  zsl_tensor* const* state;
  int32_t nslots;
  at::Tensor* at(int32_t i, int32_t s) const {
    auto* h = state[static_cast<size_t>(i) * static_cast<size_t>(nslots) + static_cast<size_t>(s)];
    return h == nullptr ? nullptr : &h->t;
  }
};

// Slots a parameter of this kind and group needs (bit s = slot s).
int required_slots(int32_t kind, const zsl_optim_group& g) {
  switch (kind) {
    case ZSL_OPTIM_SGD: return g.momentum != 0 ? 1 : 0;
    case ZSL_OPTIM_RMSPROP: return 1 | (g.momentum > 0 ? 2 : 0) | (g.centered ? 4 : 0);
    case ZSL_OPTIM_RMSPROP_TF: return 1 | 2 | (g.centered ? 4 : 0);
    case ZSL_OPTIM_ADAM:
    case ZSL_OPTIM_ADAMW: return 1 | 2 | (g.amsgrad ? 4 : 0);
    default: throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
  }
}

void sgd(at::Tensor& p, const at::Tensor& grad, at::Tensor* buf, int64_t step, const zsl_optim_group& g) {
  at::Tensor d_p = g.maximize ? grad.neg() : grad;
  if (g.weight_decay != 0) d_p = d_p.add(p, g.weight_decay);
  if (g.momentum != 0) {
    if (step == 0) {
      buf->copy_(d_p);  // first step: the buffer starts as the (decayed) gradient, without dampening
    } else {
      buf->mul_(g.momentum).add_(d_p, 1 - g.dampening);
    }
    d_p = g.nesterov ? d_p.add(*buf, g.momentum) : *buf;
  }
  p.add_(d_p, -g.lr);
}

void rmsprop(at::Tensor& p, const at::Tensor& grad, const StateTable& st, int32_t i, const zsl_optim_group& g) {
  at::Tensor gr = g.maximize ? grad.neg() : grad;
  if (g.weight_decay != 0) gr = gr.add(p, g.weight_decay);
  at::Tensor& square_avg = *st.at(i, 0);
  square_avg.mul_(g.alpha).addcmul_(gr, gr, 1 - g.alpha);
  at::Tensor avg;
  if (g.centered) {
    at::Tensor& grad_avg = *st.at(i, 2);
    grad_avg.mul_(g.alpha).add_(gr, 1 - g.alpha);
    avg = square_avg.addcmul(grad_avg, grad_avg, -1).sqrt_();
  } else {
    avg = square_avg.sqrt();
  }
  avg.add_(g.eps);  // PyTorch: eps outside the square root
  if (g.momentum > 0) {
    at::Tensor& buf = *st.at(i, 1);
    buf.mul_(g.momentum).addcdiv_(gr, avg);
    p.add_(buf, -g.lr);
  } else {
    p.addcdiv_(gr, avg, -g.lr);
  }
}

// TF-1 ApplyRMSProp: ms += (g^2 - ms)(1 - rho); mom = momentum*mom + lr*g / sqrt(ms + eps); var -= mom.
// Centered: mg += (g - mg)(1 - rho) and the denominator is sqrt(ms - mg^2 + eps).
void rmsprop_tf(at::Tensor& p, const at::Tensor& grad, const StateTable& st, int32_t i, const zsl_optim_group& g) {
  at::Tensor gr = g.maximize ? grad.neg() : grad;
  if (g.weight_decay != 0) gr = gr.add(p, g.weight_decay);
  at::Tensor& ms = *st.at(i, 0);
  at::Tensor& mom = *st.at(i, 1);
  ms.add_(gr.mul(gr).sub_(ms), 1 - g.alpha);
  at::Tensor denom;
  if (g.centered) {
    at::Tensor& mg = *st.at(i, 2);
    mg.add_(gr.sub(mg), 1 - g.alpha);
    denom = ms.addcmul(mg, mg, -1).add_(g.eps);
  } else {
    denom = ms.add(g.eps);
  }
  mom.mul_(g.momentum).add_(gr.mul(g.lr).div_(denom.sqrt_()));
  p.sub_(mom);
}

void adam(at::Tensor& p, const at::Tensor& grad, const StateTable& st, int32_t i, int64_t step, bool decoupled,
          const zsl_optim_group& g) {
  at::Tensor gr = g.maximize ? grad.neg() : grad;
  if (decoupled) {
    p.mul_(1 - g.lr * g.weight_decay);  // AdamW: decay the weights, not the gradient
  } else if (g.weight_decay != 0) {
    gr = gr.add(p, g.weight_decay);
  }
  at::Tensor& exp_avg = *st.at(i, 0);
  at::Tensor& exp_avg_sq = *st.at(i, 1);
  exp_avg.mul_(g.beta1).add_(gr, 1 - g.beta1);
  exp_avg_sq.mul_(g.beta2).addcmul_(gr, gr, 1 - g.beta2);
  const double s = static_cast<double>(step);
  const double bias_correction1 = 1 - std::pow(g.beta1, s);
  const double bias_correction2 = 1 - std::pow(g.beta2, s);
  const double step_size = g.lr / bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(bias_correction2);
  at::Tensor denom;
  if (g.amsgrad) {
    at::Tensor& max_sq = *st.at(i, 2);
    max_sq.copy_(at::maximum(max_sq, exp_avg_sq));
    denom = max_sq.sqrt().div_(bias_correction2_sqrt).add_(g.eps);
  } else {
    denom = exp_avg_sq.sqrt().div_(bias_correction2_sqrt).add_(g.eps);
  }
  p.addcdiv_(exp_avg, denom, -step_size);
}

}  // namespace

ZSL_API int32_t zsl_optim_step(int32_t kind, const zsl_optim_group* groups, int32_t ngroups, const int32_t* group_index,
                               zsl_tensor* const* params, int32_t nparams, zsl_tensor* const* state, int32_t nslots,
                               int64_t* steps) {
  ZSL_TRY
  if (nparams < 0 || (nparams > 0 && (params == nullptr || group_index == nullptr || steps == nullptr)))
    throw std::invalid_argument("bad parameter array arguments");
  if (ngroups <= 0 || groups == nullptr) throw std::invalid_argument("no parameter groups");
  if (nslots != ZSL_OPTIM_SLOTS || state == nullptr)
    throw std::invalid_argument("the state table must have " + std::to_string(ZSL_OPTIM_SLOTS) + " slots per parameter");
  StateTable st{state, nslots};

  // Validate everything first so that a bad argument leaves every tensor untouched.
  for (int32_t i = 0; i < nparams; ++i) {
    const at::Tensor& p = T(params[i]);
    if (group_index[i] < 0 || group_index[i] >= ngroups)
      throw std::invalid_argument("parameter " + std::to_string(i) + " names group " + std::to_string(group_index[i]) +
                                  " of " + std::to_string(ngroups));
    const auto& grad = p.grad();
    if (!grad.defined()) continue;
    if (!grad.sizes().equals(p.sizes()))
      throw std::invalid_argument("parameter " + std::to_string(i) + ": gradient shape differs from the parameter's");
    int need = required_slots(kind, groups[group_index[i]]);
    for (int32_t s = 0; s < nslots; ++s) {
      if (!(need & (1 << s))) continue;
      const at::Tensor* t = st.at(i, s);
      if (t == nullptr)
        throw std::invalid_argument("parameter " + std::to_string(i) + ": state slot " + std::to_string(s) + " is missing");
      if (!t->sizes().equals(p.sizes()))
        throw std::invalid_argument("parameter " + std::to_string(i) + ": state slot " + std::to_string(s) +
                                    " has another shape than the parameter");
    }
  }

  at::NoGradGuard no_grad;
  for (int32_t i = 0; i < nparams; ++i) {
    at::Tensor& p = M(params[i]);
    const at::Tensor grad = p.grad();
    if (!grad.defined()) continue;
    const zsl_optim_group& g = groups[group_index[i]];
    const int64_t step = steps[i];
    switch (kind) {
      case ZSL_OPTIM_SGD: sgd(p, grad, st.at(i, 0), step, g); break;
      case ZSL_OPTIM_RMSPROP: rmsprop(p, grad, st, i, g); break;
      case ZSL_OPTIM_RMSPROP_TF: rmsprop_tf(p, grad, st, i, g); break;
      case ZSL_OPTIM_ADAM: adam(p, grad, st, i, step + 1, /*decoupled=*/false, g); break;
      case ZSL_OPTIM_ADAMW: adam(p, grad, st, i, step + 1, /*decoupled=*/true, g); break;
      default: throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
    }
    steps[i] = step + 1;
  }
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_optim_zero_grad(zsl_tensor* const* params, int32_t nparams, int32_t set_to_none) {
  ZSL_TRY
  if (nparams < 0 || (nparams > 0 && params == nullptr)) throw std::invalid_argument("bad parameter array arguments");
  for (int32_t i = 0; i < nparams; ++i) T(params[i]);  // null check before touching any gradient
  for (int32_t i = 0; i < nparams; ++i) {
    at::Tensor& grad = M(params[i]).mutable_grad();
    if (!grad.defined()) continue;
    if (set_to_none) {
      grad.reset();
    } else {
      // As torch.optim.Optimizer.zero_grad(set_to_none=False): cut the gradient from any graph, then zero it.
      if (grad.grad_fn()) {
        grad = grad.detach();
      } else {
        grad.requires_grad_(false);
      }
      grad.zero_();
    }
  }
  return 0;
  ZSL_CATCH(-1)
}
