// Test runner for the qemu oracle: copied to an RWX page, the word at runner_insn is patched
// per case. x0 = state block (see harness.c); during the test sp points at the block.
    .text
    .p2align 4
    .global runner_start, runner_end, runner_insn
runner_start:
    str x19, [x0, #800]
    str x20, [x0, #808]
    str x21, [x0, #816]
    str x22, [x0, #824]
    str x23, [x0, #832]
    str x24, [x0, #840]
    str x25, [x0, #848]
    str x26, [x0, #856]
    str x27, [x0, #864]
    str x28, [x0, #872]
    str x29, [x0, #880]
    str x30, [x0, #888]
    str d8, [x0, #896]
    str d9, [x0, #904]
    str d10, [x0, #912]
    str d11, [x0, #920]
    str d12, [x0, #928]
    str d13, [x0, #936]
    str d14, [x0, #944]
    str d15, [x0, #952]
    mov x1, sp
    str x1, [x0, #792]
    mov sp, x0
    add x1, sp, #256
    ldp q0, q1, [x1], #32
    ldp q2, q3, [x1], #32
    ldp q4, q5, [x1], #32
    ldp q6, q7, [x1], #32
    ldp q8, q9, [x1], #32
    ldp q10, q11, [x1], #32
    ldp q12, q13, [x1], #32
    ldp q14, q15, [x1], #32
    ldp q16, q17, [x1], #32
    ldp q18, q19, [x1], #32
    ldp q20, q21, [x1], #32
    ldp q22, q23, [x1], #32
    ldp q24, q25, [x1], #32
    ldp q26, q27, [x1], #32
    ldp q28, q29, [x1], #32
    ldp q30, q31, [x1], #32
    ldr x1, [sp, #768]
    msr fpcr, x1
    ldr x1, [sp, #776]
    msr fpsr, x1
    ldr x1, [sp, #784]
    msr nzcv, x1
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #240]
runner_insn:
    nop
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    str x30, [sp, #240]
    mrs x1, fpsr
    str x1, [sp, #776]
    mrs x1, nzcv
    str x1, [sp, #784]
    mrs x1, fpcr
    str x1, [sp, #768]
    add x1, sp, #256
    stp q0, q1, [x1], #32
    stp q2, q3, [x1], #32
    stp q4, q5, [x1], #32
    stp q6, q7, [x1], #32
    stp q8, q9, [x1], #32
    stp q10, q11, [x1], #32
    stp q12, q13, [x1], #32
    stp q14, q15, [x1], #32
    stp q16, q17, [x1], #32
    stp q18, q19, [x1], #32
    stp q20, q21, [x1], #32
    stp q22, q23, [x1], #32
    stp q24, q25, [x1], #32
    stp q26, q27, [x1], #32
    stp q28, q29, [x1], #32
    stp q30, q31, [x1], #32
    mov x0, sp
    msr fpcr, xzr
    ldr x1, [x0, #792]
    mov sp, x1
    ldr x19, [x0, #800]
    ldr x20, [x0, #808]
    ldr x21, [x0, #816]
    ldr x22, [x0, #824]
    ldr x23, [x0, #832]
    ldr x24, [x0, #840]
    ldr x25, [x0, #848]
    ldr x26, [x0, #856]
    ldr x27, [x0, #864]
    ldr x28, [x0, #872]
    ldr x29, [x0, #880]
    ldr x30, [x0, #888]
    ldr d8, [x0, #896]
    ldr d9, [x0, #904]
    ldr d10, [x0, #912]
    ldr d11, [x0, #920]
    ldr d12, [x0, #928]
    ldr d13, [x0, #936]
    ldr d14, [x0, #944]
    ldr d15, [x0, #952]
    ret
runner_end:
