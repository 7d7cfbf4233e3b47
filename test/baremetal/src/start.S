// Entry, exception vectors and EL0 helpers shared by the bare-metal test guests.
// Every CPU enters at _start (CPU 0 from the loader with x0 = DTB, the others from PSCI CPU_ON
// with x0 = context id). Exceptions save a struct frame (see lib.h) and call handle(frame, kind).
    .section .text.boot
    .global _start
_start:
    mrs x9, mpidr_el1
    and x9, x9, #0xff
    ldr x10, =__stacks_top
    sub x10, x10, x9, lsl #14
    mov sp, x10
    ldr x10, =vectors
    msr vbar_el1, x10
    mov x10, #(3 << 20)          // CPACR_EL1.FPEN = 11: FP/SIMD allowed
    msr cpacr_el1, x10
    isb
    cbnz x9, 2f
    ldr x10, =__bss_start        // CPU 0 clears .bss
    ldr x11, =__bss_end
1:  cmp x10, x11
    b.hs 3f
    str xzr, [x10], #8
    b 1b
3:  bl main
    mov x1, x0
    b poweroff_status
2:  mov x1, x9
    bl secondary_main
    b cpu_off

    .global poweroff_status
poweroff_status:                 // x1 = exit status
    ldr x0, =0x84000008          // PSCI SYSTEM_OFF
    ldr x2, =0x6b766d78          // "kvmx": krustvm takes the status from x1
    hvc #0
    b .

    .global cpu_off
cpu_off:
    ldr x0, =0x84000002
    hvc #0
    b .

    .global psci_call
psci_call:
    hvc #0
    ret

// run_el0(entry, sp_el0, spsr): runs entry at EL0 until el0_exit(value) is called from an
// exception handler; returns value.
    .global run_el0
run_el0:
    ldr x9, =el0_ctx
    stp x19, x20, [x9, #0]
    stp x21, x22, [x9, #16]
    stp x23, x24, [x9, #32]
    stp x25, x26, [x9, #48]
    stp x27, x28, [x9, #64]
    stp x29, x30, [x9, #80]
    mov x10, sp
    str x10, [x9, #96]
    msr sp_el0, x1
    msr elr_el1, x0
    msr spsr_el1, x2
    eret
    .global el0_exit
el0_exit:
    ldr x9, =el0_ctx
    ldp x19, x20, [x9, #0]
    ldp x21, x22, [x9, #16]
    ldp x23, x24, [x9, #32]
    ldp x25, x26, [x9, #48]
    ldp x27, x28, [x9, #64]
    ldp x29, x30, [x9, #80]
    ldr x10, [x9, #96]
    mov sp, x10
    ret

.macro ventry idx
    .balign 0x80
    sub sp, sp, #288
    stp x0, x1, [sp, #0]
    mov x0, #\idx
    b common
.endm

    .balign 0x800
    .global vectors
vectors:
    ventry 0
    ventry 1
    ventry 2
    ventry 3
    ventry 4
    ventry 5
    ventry 6
    ventry 7
    ventry 8
    ventry 9
    ventry 10
    ventry 11
    ventry 12
    ventry 13
    ventry 14
    ventry 15

common:
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
    mrs x1, elr_el1
    mrs x2, spsr_el1
    stp x1, x2, [sp, #248]
    mrs x1, esr_el1
    mrs x2, far_el1
    stp x1, x2, [sp, #264]
    mov x1, x0
    mov x0, sp
    bl handle
    ldp x1, x2, [sp, #248]
    msr elr_el1, x1
    msr spsr_el1, x2
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
    ldp x0, x1, [sp, #0]
    add sp, sp, #288
    eret

    .bss
    .balign 16
el0_ctx: .skip 112
