// zslnative_optim.h - the optimizer part of the shim's C ABI (src/optim.cpp; docs/optim.md).
//
// One call updates every parameter of an optimizer: zsl_optim_step applies SGD / RMSprop / Adam / AdamW (PyTorch 1.13
// single-tensor semantics) or TensorFlow-1 RMSProp to all parameters that have a gradient, in place, under NoGradGuard.
// The optimizer state lives in tensors owned by the caller (ZslKit.Torch.Optim), passed as a parameter-major table of
// `nslots` handles per parameter (NULL where a slot is unused). Conventions as in zslnative.h: 0 = success, non-zero =
// failure with the message in zsl_last_error(); input handles are borrowed.
#pragma once
#include "zslnative.h"

// Optimizer kinds.
#define ZSL_OPTIM_SGD 0
#define ZSL_OPTIM_RMSPROP 1     // PyTorch: eps added after the sqrt
#define ZSL_OPTIM_RMSPROP_TF 2  // TensorFlow 1: eps inside the sqrt, lr inside the momentum accumulator
#define ZSL_OPTIM_ADAM 3
#define ZSL_OPTIM_ADAMW 4

// State slots per parameter (index into the nslots-wide row of each parameter):
//   SGD        : 0 momentum_buffer
//   RMSprop    : 0 square_avg, 1 momentum_buffer, 2 grad_avg
//   RMSprop TF : 0 ms (starts at ones), 1 mom, 2 mg
//   Adam/AdamW : 0 exp_avg, 1 exp_avg_sq, 2 max_exp_avg_sq
#define ZSL_OPTIM_SLOTS 3

// Hyper-parameters of one parameter group. alpha is RMSprop's smoothing constant (TF's `decay`).
typedef struct zsl_optim_group {
  double lr, momentum, dampening, weight_decay;
  double alpha, beta1, beta2, eps;
  int32_t nesterov, centered, amsgrad, maximize;
} zsl_optim_group;

// group_index[i] selects the group of parameter i; state has nparams * nslots entries; steps[i] is parameter i's step
// count, incremented for each parameter that had a gradient (parameters without one are skipped, as in PyTorch).
ZSL_API int32_t zsl_optim_step(int32_t kind, const zsl_optim_group* groups, int32_t ngroups, const int32_t* group_index,
                               zsl_tensor* const* params, int32_t nparams, zsl_tensor* const* state, int32_t nslots,
                               int64_t* steps);

// Clears the gradients of all parameters: set_to_none != 0 drops them, else they are detached and zeroed in place.
ZSL_API int32_t zsl_optim_zero_grad(zsl_tensor* const* params, int32_t nparams, int32_t set_to_none);
