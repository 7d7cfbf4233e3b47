// A -nostdlib program that talks to the kernel with raw syscalls only: write, getpid,
// mmap/munmap of an anonymous page, a loop that fills it, and exit_group with status 3.
        .equ SYS_write, 64
        .equ SYS_exit_group, 94
        .equ SYS_getpid, 172
        .equ SYS_mmap, 222
        .equ SYS_munmap, 215

        .text
        .globl _start
_start:
        ldr     x19, [sp]               // argc
        mov     x0, #1
        adr     x1, msg_hello
        mov     x2, #(msg_hello_end - msg_hello)
        mov     x8, #SYS_write
        svc     #0

        mov     x8, #SYS_getpid
        svc     #0
        cmp     x0, #0
        b.le    fail

        // mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
        mov     x0, #0
        mov     x1, #4096
        mov     x2, #3
        mov     x3, #0x22
        mov     x4, #-1
        mov     x5, #0
        mov     x8, #SYS_mmap
        svc     #0
        cmn     x0, #4096
        b.hi    fail
        mov     x20, x0

        // Fill 26 bytes with 'a'..'z', then a newline.
        mov     w1, #'a'
        mov     x2, x20
1:      strb    w1, [x2], #1
        add     w1, w1, #1
        cmp     w1, #'z'
        b.le    1b
        mov     w1, #'\n'
        strb    w1, [x2]

        mov     x0, #1
        mov     x1, x20
        mov     x2, #27
        mov     x8, #SYS_write
        svc     #0
        cmp     x0, #27
        b.ne    fail

        // argc as a digit (argc < 10 in the tests).
        add     w1, w19, #'0'
        strb    w1, [x20]
        mov     w1, #'\n'
        strb    w1, [x20, #1]
        mov     x0, #1
        mov     x1, x20
        mov     x2, #2
        mov     x8, #SYS_write
        svc     #0

        mov     x0, x20
        mov     x1, #4096
        mov     x8, #SYS_munmap
        svc     #0
        cbnz    x0, fail

        // A write with a bad fd must fail with -EBADF (-9).
        mov     x0, #99
        adr     x1, msg_hello
        mov     x2, #1
        mov     x8, #SYS_write
        svc     #0
        cmn     x0, #9
        b.ne    fail

        mov     x0, #1
        adr     x1, msg_bye
        mov     x2, #(msg_bye_end - msg_bye)
        mov     x8, #SYS_write
        svc     #0
        mov     x0, #3
        mov     x8, #SYS_exit_group
        svc     #0

fail:   mov     x0, #1
        adr     x1, msg_fail
        mov     x2, #(msg_fail_end - msg_fail)
        mov     x8, #SYS_write
        svc     #0
        mov     x0, #1
        mov     x8, #SYS_exit_group
        svc     #0

msg_hello:      .ascii "hello from raw syscalls\n"
msg_hello_end:
msg_bye:        .ascii "bye\n"
msg_bye_end:
msg_fail:       .ascii "FAILED\n"
msg_fail_end:
